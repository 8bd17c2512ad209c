import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatTopicFields } from '@chatline/shared';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let auth: string;
beforeEach(async () => {
  t = await createTestApp({ config: { allowedOrigins: ['https://shop.example'] } });
  auth = await t.agent();
});
afterEach(() => t.close());

const asAgent = (method: string, path: string, body?: unknown) =>
  t.call(method, path, { ...(body === undefined ? {} : { json: body }), headers: { Authorization: auth } });

const rentals = {
  Name: 'Rentals',
  Description: 'Bike rentals by the day',
  WelcomeMessage: 'Ask us about rentals.',
  Language: 'nb',
  CollectConsent: true,
  AllowedOrigins: ['https://rent.example'],
  Widget: {
    RequiredFields: 'Email, Name',
    HiddenFields: 'Phone, Alias',
    WelcomeTitle: 'Rent a bike',
    WelcomeMessage: 'We answer within minutes.',
    Color: '#0B6E4F',
    ConsentText: 'I agree that Nordhavn Cycles stores my details for this chat.',
    PrivacyPolicyUrl: 'https://rent.example/privacy',
  },
};

describe('the ChatTopic resource', () => {
  it("lets only the topic's managers change or delete it, and only its members read its chats", async () => {
    const topic = await json(await asAgent('POST', '/api/v1/ChatTopic', rentals));
    const other = await t.agent('ola', 'ola-secret-12');
    const asOther = (method: string, body?: unknown) =>
      t.call(method, `/api/v1/ChatTopic/${topic.ChatTopicId}`, { ...(body === undefined ? {} : { json: body }), headers: { Authorization: other } });
    const refused = await asOther('PUT', { ...rentals, Name: 'Taken over' });
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ Error: true });
    expect((await asOther('DELETE')).status).toBe(403);
    expect((await json(await asAgent('GET', `/api/v1/ChatTopic/${topic.ChatTopicId}`))).Name).toBe('Rentals');
    // Nor may it read the topic's chats.
    expect((await t.call('GET', `/api/v1/ChatTopic/${topic.ChatTopicId}/Sessions`, { headers: { Authorization: other } })).status).toBe(403);
    // Made a manager of it, the other agent may.
    await asAgent('POST', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent`, { User: { UserName: 'ola' }, CanListen: true, CanRespond: true, CanManage: true, CanNotify: false });
    // Now it may read the topic's chats too.
    expect((await t.call('GET', `/api/v1/ChatTopic/${topic.ChatTopicId}/Sessions`, { headers: { Authorization: other } })).status).toBe(200);
    expect((await asOther('PUT', { ...rentals, Name: 'Rentals and tours' })).status).toBe(200);
    expect((await asOther('DELETE')).status).toBe(204);
  });

  it('creates a topic and answers it with its ChatTopicId, then reads, replaces and deletes it', async () => {
    const created = await asAgent('POST', '/api/v1/ChatTopic', rentals);
    expect(created.status).toBe(200);
    const topic = await json(created);
    expect(topic).toMatchObject({
      ...rentals,
      ChatTopicId: expect.any(Number),
      Widget: { ...rentals.Widget, Color: '#0b6e4f' },
    });

    const read = await json(await asAgent('GET', `/api/v1/ChatTopic/${topic.ChatTopicId}`));
    expect(read).toEqual(topic);
    const list = await json(await asAgent('GET', '/api/v1/ChatTopic'));
    expect(list.map((t: { Name: string }) => t.Name)).toEqual(['General', 'Rentals']);

    const replaced = await json(await asAgent('PUT', `/api/v1/ChatTopic/${topic.ChatTopicId}`, { name: 'Rentals and tours', widget: { requiredFields: 'Phone' } }));
    expect(replaced).toMatchObject({
      Name: 'Rentals and tours',
      Description: '',
      AllowedOrigins: [],
      Widget: { RequiredFields: 'Phone', HiddenFields: 'Company', Color: '' },
    });

    expect((await asAgent('DELETE', `/api/v1/ChatTopic/${topic.ChatTopicId}`)).status).toBe(204);
    expect((await asAgent('GET', `/api/v1/ChatTopic/${topic.ChatTopicId}`)).status).toBe(404);
  });

  it.each([
    [{}, 'Name'],
    [{ Name: 'x'.repeat(51) }, 'Name'],
    [{ Name: 'A', Language: 'not a language' }, 'Language'],
    [{ Name: 'A', CollectConsent: 'yes' }, 'CollectConsent'],
    [{ Name: 'A', AllowedOrigins: ['https://ok.example/path'] }, 'AllowedOrigins'],
    [{ Name: 'A', AllowedOrigins: 'https://ok.example' }, 'AllowedOrigins'],
    [{ Name: 'A', Widget: { RequiredFields: 'Email, Shoe size' } }, 'Widget/RequiredFields'],
    [{ Name: 'A', Widget: { HiddenFields: 'Email, Hobbies' } }, 'Widget/HiddenFields'],
    [{ Name: 'A', Widget: { HiddenFields: 1024 } }, 'Widget/HiddenFields'],
    [{ Name: 'A', Widget: { Color: 'blue' } }, 'Widget/Color'],
    [{ Name: 'A', Widget: { PrivacyPolicyUrl: 'javascript:alert(1)' } }, 'Widget/PrivacyPolicyUrl'],
    [{ Name: 'A', Widget: { ConsentText: 'ok\u0000' } }, 'Widget/ConsentText'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const response = await asAgent('POST', '/api/v1/ChatTopic', body);
    expect(response.status).toBe(400);
    expect((await json(response)).FieldErrors.map((e: { Field: string }) => e.Field)).toContain(field);
  });

  it('keeps topics to agents, and refuses to delete one that still has sessions', async () => {
    expect((await t.call('POST', '/api/v1/ChatTopic', { json: rentals })).status).toBe(401);
    expect((await t.call('GET', '/api/v1/ChatTopic/1')).status).toBe(401);
    await t.postSession({ TopicId: 1, CustomerConsented: true });
    const response = await asAgent('DELETE', '/api/v1/ChatTopic/1');
    expect(response.status).toBe(409);
    expect((await asAgent('DELETE', '/api/v1/ChatTopic/99')).status).toBe(404);
  });
});

describe('GET /api/v1/ChatTopic/{id}/widget', () => {
  it('gives any allowed page only the widget-safe part of a topic', async () => {
    const id = (await json(await asAgent('POST', '/api/v1/ChatTopic', rentals))).ChatTopicId;
    const response = await t.call('GET', `/api/v1/ChatTopic/${id}/widget`, { headers: { Origin: 'https://rent.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://rent.example');
    const info = await json(response);
    expect(Object.keys(info)).toEqual([
      'ChatTopicId',
      'Name',
      'WelcomeMessage',
      'Language',
      'CollectConsent',
      'CustomQueueTextEnabled',
      'CustomQueueText',
      'Widget',
      'OfflineCollectConsent',
      'UseQueueOfflineForm',
      'OfflineFormTimeLimit',
      'OfflineFormQueueLength',
      'WidgetEnableRating',
      'WidgetRatingText',
      'IsOpen',
      'AgentsPresent',
      'AverageWaitSeconds',
      'ReopenSeconds',
    ]);
    // Not the hours themselves: only whether the topic is open now, and whether anyone is there.
    expect(info).toMatchObject({ IsOpen: true, AgentsPresent: true });
    expect(JSON.stringify(info)).not.toContain('OpeningHours');
    expect(info.Widget.RequiredFields).toBe('Email, Name');
    expect(info.Widget.HiddenFields).toBe('Phone, Alias');
    expect(JSON.stringify(info)).not.toContain('AllowedOrigins');
    expect(JSON.stringify(info)).not.toContain('Description');
    expect((await t.call('GET', `/api/v1/ChatTopic/${id}/widget`, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/ChatTopic/99/widget')).status).toBe(404);
  });
});

describe('a topic\'s required fields', () => {
  it('are enforced for visitors with 400 naming each missing field', async () => {
    const id = (await json(await asAgent('POST', '/api/v1/ChatTopic', { ...rentals, AllowedOrigins: [] }))).ChatTopicId;
    const missing = await t.postSession({ TopicId: id, CustomerConsented: true, CustomerEmail: '  ' });
    expect(missing.status).toBe(400);
    const body = await json(missing);
    expect(body.FieldErrors.map((e: { Field: string; Code: string }) => `${e.Field}:${e.Code}`)).toEqual([
      'CustomerEmail:required',
      'CustomerName:required',
    ]);
    expect(body.FieldErrors[0].Message).toBe('Your email is required.');
    const complete = await t.postSession({ TopicId: id, CustomerConsented: true, CustomerEmail: 'ada@example.com', CustomerName: 'Ada' });
    expect(complete.status).toBe(200);
    // FieldProperties tells the visitor the same.
    const properties = (await json(complete)).FieldProperties;
    for (const field of ['TopicId', 'CustomerEmail', 'CustomerName', 'CustomerConsented']) {
      expect(properties[field].FieldRight.Mask, field).toContain('UIHintMandatory');
    }
    expect(properties.CustomerPhone.FieldRight.Mask).not.toContain('UIHintMandatory');
  });
});

describe('ChatTopic answers by Accept and $select', () => {
  it('writes a topic as XML, in the field table\'s order, with its origins as a list', async () => {
    const id = (await json(await asAgent('POST', '/api/v1/ChatTopic', rentals))).ChatTopicId;
    const response = await t.call('GET', `/api/v1/ChatTopic/${id}`, { headers: { Authorization: auth, Accept: 'application/xml' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const text = await response.text();
    expect(XMLValidator.validate(text)).toBe(true);
    const topic = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false }).parse(text).ChatTopicEntity;
    expect(Object.keys(topic).filter((key) => !key.startsWith('@')).slice(0, chatTopicFields.length)).toEqual(
      chatTopicFields.map((spec) => spec.name),
    );
    expect(topic).toMatchObject({ Name: 'Rentals', CollectConsent: 'true', AllowedOrigins: { string: 'https://rent.example' } });
    expect(topic.Widget).toMatchObject({ RequiredFields: 'Email, Name', Color: '#0b6e4f' });

    const list = await t.call('GET', '/api/v1/ChatTopic', { headers: { Authorization: auth, Accept: 'text/xml' } });
    const items = new XMLParser({ removeNSPrefix: true }).parse(await list.text()).ArrayOfChatTopicEntity.ChatTopicEntity;
    expect(items.map((item: { Name: string }) => item.Name)).toEqual(['General', 'Rentals']);
  });

  it('reads a topic sent as XML, its origins as a list of strings', async () => {
    const response = await t.call('POST', '/api/v1/ChatTopic', {
      body: `<?xml version="1.0"?>
        <ChatTopicEntity xmlns="http://www.superoffice.net/ws/crm/NetServer/Services88">
          <Name>Tours</Name><CollectConsent>false</CollectConsent>
          <AllowedOrigins><string>https://tours.example</string><string>https://bikes.example</string></AllowedOrigins>
          <Widget><RequiredFields>Phone</RequiredFields><Color>#112233</Color></Widget>
        </ChatTopicEntity>`,
      headers: { Authorization: auth, 'Content-Type': 'application/xml' },
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      Name: 'Tours',
      CollectConsent: false,
      AllowedOrigins: ['https://tours.example', 'https://bikes.example'],
      Widget: { RequiredFields: 'Phone', Color: '#112233', HiddenFields: 'Company' },
    });
  });

  it('keeps the shape and nulls what $select leaves out, into Widget too', async () => {
    const response = await asAgent('GET', '/api/v1/ChatTopic/1?$select=name,widget/color');
    expect(response.status).toBe(200);
    const topic = await json(response);
    expect(topic).toMatchObject({ ChatTopicId: null, Name: 'General', Description: null, AllowedOrigins: null });
    expect(topic.Widget).toEqual({
      RequiredFields: null,
      HiddenFields: null,
      WelcomeTitle: null,
      WelcomeMessage: null,
      Color: '',
      ConsentText: null,
      PrivacyPolicyUrl: null,
      OfflineHeader: null,
      OfflineMessage: null,
      OfflineFields: null,
      PostFormEnabled: null,
      PostFormHeader: null,
      PostFormMessage: null,
      PostTranscriptEnabled: null,
    });
    const unknown = await asAgent('GET', '/api/v1/ChatTopic/1?$select=CustomerName');
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).ErrorMessage).toContain('ChatTopic');
    // The widget's part answers $select and XML too.
    const part = await json(await t.call('GET', '/api/v1/ChatTopic/1/widget?$select=Name'));
    expect(part).toMatchObject({ ChatTopicId: null, Name: 'General', CollectConsent: null, Widget: null });
    const xml = await t.call('GET', '/api/v1/ChatTopic/1/widget', { headers: { Accept: 'text/xml' } });
    expect(xml.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await xml.text()).toContain('<Name>General</Name>');
    expect(xml.headers.get('vary')).toContain('Accept');
  });

  it('answers agents with the rights of a carrier, and a default topic to fill in', async () => {
    const topic = await json(await asAgent('GET', '/api/v1/ChatTopic/1'));
    expect(topic.TableRight).toEqual({ Mask: 'FULL', Reason: '' });
    expect(Object.keys(topic.FieldProperties)).toEqual(chatTopicFields.map((spec) => spec.name));
    expect(topic.FieldProperties.Name).toEqual({ FieldRight: { Mask: 'Read, Write, Update, UIHintMandatory', Reason: '' }, FieldType: 'System.String', FieldLength: 50 });
    expect(topic.FieldProperties.ChatTopicId.FieldRight.Mask).toContain('UIHintReadOnly');
    const defaults = await json(await asAgent('GET', '/api/v1/ChatTopic/default'));
    expect(defaults).toMatchObject({ ChatTopicId: 0, Name: '', CollectConsent: true, AllowedOrigins: [], Widget: { HiddenFields: 'Company' } });
    expect((await t.call('GET', '/api/v1/ChatTopic/default')).status).toBe(401);
  });

  it('takes a member named like a path as an unknown one', async () => {
    const created = await asAgent('POST', '/api/v1/ChatTopic', { Name: 'Paths', 'Widget/Color': '#112233', 'widget/requiredFields': 'Nonsense' });
    expect(created.status).toBe(200);
    expect((await json(created)).Widget).toMatchObject({ Color: '', RequiredFields: '' });
  });

  it('answers 406 to Accept it cannot meet, such as a stream where none lives', async () => {
    for (const accept of ['text/event-stream', 'image/png']) {
      const response = await t.call('GET', '/api/v1/ChatTopic/1', { headers: { Authorization: auth, Accept: accept } });
      expect(response.status, accept).toBe(406);
    }
  });
});
