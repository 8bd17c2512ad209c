import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatSessionFields } from '@chatline/shared';
import { createTestApp, json, type TestApp } from './testing/test-app.ts';

const NOW = Date.parse('2026-11-26T09:30:00.250Z');
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ now: () => NOW });
});
afterEach(() => t.close());

const visitor = { TopicId: 1, CustomerName: 'Ada', CustomerEmail: 'ada@example.com', CustomerConsented: true };

const post = (body: string, contentType: string, headers: Record<string, string> = {}) =>
  t.call('POST', '/api/v1/ChatSession', { body, headers: { 'Content-Type': contentType, ...headers } });


const xmlBody = (inner: string, ns = ' xmlns="http://www.superoffice.net/ws/crm/NetServer/Services88"') =>
  `<?xml version="1.0" encoding="utf-8"?>
<ChatSessionEntity${ns} xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</ChatSessionEntity>`;

describe('request bodies', () => {
  it.each(['application/xml', 'text/xml'])('reads %s, with the Services88 namespace and i:nil', async (type) => {
    const response = await post(
      xmlBody(
        '<TopicId>1</TopicId><CustomerName>Ada &amp; Co</CustomerName><CustomerEmail>ada@example.com</CustomerEmail>' +
          '<CustomerPhone i:nil="true" /><CustomerConsented>true</CustomerConsented><Person i:nil="true"/>',
      ),
      type,
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ TopicId: 1, CustomerName: 'Ada & Co', CustomerPhone: null });
  });

  it('reads XML without a namespace', async () => {
    const response = await post(
      xmlBody('<TopicId>1</TopicId><CustomerConsented>true</CustomerConsented><CustomerAlias>ada</CustomerAlias>', ''),
      'application/xml',
    );
    expect(response.status).toBe(200);
    expect((await json(response)).CustomerAlias).toBe('ada');
  });

  it.each([
    ['a DOCTYPE with entities (billion laughs)', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><ChatSessionEntity><CustomerName>&lol2;</CustomerName></ChatSessionEntity>'],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ChatSessionEntity><CustomerName>&xxe;</CustomerName></ChatSessionEntity>'],
    ['malformed XML', '<ChatSessionEntity><TopicId>1</ChatSessionEntity>'],
    ['another root element', '<Person><TopicId>1</TopicId></Person>'],
    ['a repeated element', xmlBody('<TopicId>1</TopicId><TopicId>2</TopicId>')],
    ['text where a number belongs', xmlBody('<TopicId>one</TopicId><CustomerConsented>true</CustomerConsented>')],
  ])('refuses %s with 400 and stores nothing', async (_, body) => {
    const response = await post(body, 'application/xml');
    expect(response.status).toBe(400);
    expect((await json(response)).Error).toBe(true);
    expect(await t.sessionCount()).toBe(0);
  });

  it('reads a form, typing its values by the field table', async () => {
    const response = await post(
      'TopicId=1&CustomerName=Ada+Lovelace&customerEmail=ada%40example.com&CustomerConsented=true',
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ TopicId: 1, CustomerName: 'Ada Lovelace', CustomerConsented: true });
  });

  it('applies a JSON Patch or a merge patch sent to create, to the default entity', async () => {
    const patched = await post(
      JSON.stringify([
        { op: 'replace', path: '/TopicId', value: 1 },
        { op: 'replace', path: '/CustomerConsented', value: true },
        { op: 'replace', path: '/CustomerName', value: 'Ada' },
      ]),
      'application/json-patch+json',
    );
    expect(patched.status).toBe(200);
    expect((await json(patched)).CustomerName).toBe('Ada');
    const merged = await post(JSON.stringify({ topicId: 1, customerConsented: true, customerAlias: 'ada' }), 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect((await json(merged)).CustomerAlias).toBe('ada');
  });
});

describe('answers by Accept', () => {
  it('writes well-formed XML with the field table\'s element order', async () => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { Accept: 'application/xml' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const text = await response.text();
    expect(XMLValidator.validate(text)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(text);
    const entity = parsed.ChatSessionEntity;
    const names = Object.keys(entity).filter((key) => !key.startsWith('@'));
    expect(names.slice(0, chatSessionFields.length)).toEqual(chatSessionFields.map((spec) => spec.name));
    expect(entity.CustomerName).toBe('Ada');
    expect(entity.Person['@_i:nil'] ?? entity.Person['@_nil']).toBe('true');
    expect(text).toContain('xmlns="http://www.superoffice.net/ws/crm/NetServer/Services88"');
  });

  it.each([
    [undefined, 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
    ['application/json; charset=utf-8', 'application/json; charset=utf-8'],
    ['text/json', 'text/json; charset=utf-8'],
    ['text/xml', 'text/xml; charset=utf-8'],
    ['text/*', 'text/json; charset=utf-8'],
    ['application/xml;q=0.5, application/json;q=0.9', 'application/json; charset=utf-8'],
    ['application/json;q=0, application/xml', 'application/xml; charset=utf-8'],
    ['text/html, application/xml;q=0.8', 'application/xml; charset=utf-8'],
    ['application/json-patch+json', 'application/json; charset=utf-8'],
    ['application/merge-patch+json', 'application/json; charset=utf-8'],
  ])('Accept %s is answered as %s', async (accept, contentType) => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: accept ? { Accept: accept } : {} });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
  });

  it.each(['image/png', 'text/html', 'application/json;q=0'])('answers Accept %s with 406 and creates nothing', async (accept) => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { Accept: accept } });
    expect(response.status).toBe(406);
    expect(await json(response)).toMatchObject({ Error: true, ErrorType: 'SoNotAcceptableException' });
    expect(await t.sessionCount()).toBe(0);
  });
});

describe('$select', () => {
  it('keeps the shape and nulls what was not selected, names in any case', async () => {
    const auth = await t.agent('kari');
    const created = await json(await t.postSession(visitor));
    await t.call('PATCH', `/api/v1/ChatSession/${created.ChatSessionId}`, {
      body: JSON.stringify({ User: { AssociateId: 1 } }),
      headers: { Authorization: auth, 'Content-Type': 'application/merge-patch+json' },
    });
    const response = await t.call('GET', `/api/v1/ChatSession/${created.ChatSessionId}?$select=customerName,USER/associateId`, {
      headers: { Authorization: auth },
    });
    expect(response.status).toBe(200);
    const entity = await json(response);
    expect(Object.keys(entity)).toEqual([...chatSessionFields.map((spec) => spec.name), 'TableRight', 'FieldProperties', '_Links']);
    expect(entity.CustomerName).toBe('Ada');
    expect(entity.CustomerEmail).toBeNull();
    expect(entity.ChatSessionId).toBeNull();
    expect(entity.User.AssociateId).toBe(1);
    expect(entity.User.UserName).toBeNull();
  });

  it('refuses a name that is not a field, and creates nothing', async () => {
    const response = await t.call('POST', '/api/v1/ChatSession?$select=customerNmae', { json: visitor });
    expect(response.status).toBe(400);
    expect((await json(response)).ErrorMessage).toContain('customerNmae');
    expect(await t.sessionCount()).toBe(0);
  });
});

describe('SO-TimeZone', () => {
  it.each([
    ['Europe/Oslo', '2026-11-26T10:30:00.250+01:00', 'Europe/Oslo'],
    ['Europe/Oslo,includeTZOffset', '2026-11-26T10:30:00.250+01:00', 'Europe/Oslo'],
    ['America/New_York', '2026-11-26T04:30:00.250-05:00', 'America/New_York'],
    ['UTC', '2026-11-26T09:30:00.250+00:00', 'UTC'],
    ['Asia/Kolkata', '2026-11-26T15:00:00.250+05:30', 'Asia/Kolkata'],
  ])('%s gives date-times in that zone with its offset', async (zone, expected, echoed) => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { 'SO-TimeZone': zone } });
    expect(response.status).toBe(200);
    expect(response.headers.get('so-timezone')).toBe(echoed);
    expect((await json(response)).WhenRequested).toBe(expected);
  });

  it('refuses an unknown zone with 400 and creates nothing', async () => {
    for (const zone of ['Mars/Olympus_Mons', 'Europe/Oslo,shout', 'x'.repeat(100)]) {
      const response = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { 'SO-TimeZone': zone } });
      expect(response.status, zone).toBe(400);
    }
    expect(await t.sessionCount()).toBe(0);
  });
});

describe('SO-Language', () => {
  const badEmail = { ...visitor, CustomerEmail: 'nope' };

  it.each([
    [{ 'SO-Language': 'nb' }, 'Skriv en e-postadresse som navn@eksempel.no.'],
    [{ 'Accept-Language': 'nb-NO,nb;q=0.9,en;q=0.5' }, 'Skriv en e-postadresse som navn@eksempel.no.'],
    [{ 'Accept-Language': 'no' }, 'Skriv en e-postadresse som navn@eksempel.no.'],
    [{ 'SO-Language': 'en', 'Accept-Language': 'nb' }, 'Enter an email address like name@example.com.'],
    [{ 'Accept-Language': 'fr,de,ru,zh' }, 'Enter an email address like name@example.com.'],
    [{ 'SO-Language': 'nb', 'SO-Culture': 'nb' }, 'Skriv en e-postadresse som navn@eksempel.no.'],
  ])('%j gives error messages as "%s"', async (headers, message) => {
    const response = await t.call('POST', '/api/v1/ChatSession', { json: badEmail, headers });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.ErrorMessage).toBe(message);
    expect(body.FieldErrors[0].Message).toBe(message);
    // Says which, so a client in another language knows to word the codes itself.
    expect(response.headers.get('content-language')).toBe(message.startsWith('Skriv') ? 'nb' : 'en');
  });

  it('writes the other errors and the field rights\' reasons in that language too', async () => {
    const notJson = await post('{', 'application/json', { 'SO-Language': 'nb' });
    expect((await json(notJson)).ErrorMessage).toMatch(/^Innholdet i forespørselen er ikke gyldig JSON/);
    const created = await t.call('POST', '/api/v1/ChatSession', { json: visitor, headers: { 'SO-Language': 'nb' } });
    expect((await json(created)).FieldProperties.Status.FieldRight.Reason).toBe('Bare en agent kan sette dette feltet.');
  });
});
