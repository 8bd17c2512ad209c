import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let auth: string;
beforeEach(async () => {
  t = createTestApp({ config: { allowedOrigins: ['https://shop.example'] } });
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
    expect(Object.keys(info)).toEqual(['ChatTopicId', 'Name', 'WelcomeMessage', 'Language', 'CollectConsent', 'Widget']);
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
  });
});
