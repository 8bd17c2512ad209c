/**
 * SuperOffice's own TypeScript client, `@superoffice/webapi` as published, against the real
 * server: what integrators already use must work unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin, startServer, type ServerProcess } from './testing/server-process.ts';

// Its CommonJS entry: the ESM one does not load on Node 20.
const { ChatAgent } = createRequire(import.meta.url)('@superoffice/webapi') as typeof import('@superoffice/webapi');

let dir: string;
let server: ServerProcess;
let token: string;
const env = () => ({ CHAT_DB: join(dir, 'chat.db') });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatline-conformance-'));
  const added = runAdmin(['add-agent', 'kari', '--full-name', 'Kari Nordmann'], { ...env(), CHAT_PASSWORD: 'kari-secret-1' });
  expect(added.status, added.stderr).toBe(0);
  const created = runAdmin(['create-token', 'kari'], env());
  expect(created.status, created.stderr).toBe(0);
  token = created.stdout.trim().split('\n').at(-1)!;
  server = await startServer({ ...env(), CHAT_ADMIN_USER: 'admin', CHAT_ADMIN_PASSWORD: 'admin-secret-1' });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ticketFor(userName: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/Authentication/Ticket`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ UserName: userName, Password: password }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { Ticket: string; Expires: string };
  expect(Date.parse(body.Expires)).toBeGreaterThan(Date.now());
  return body.Ticket;
}

const credentials: [string, () => Promise<string>][] = [
  ['Basic', async () => `Basic ${Buffer.from('admin:admin-secret-1').toString('base64')}`],
  ['SOTicket', async () => `SOTicket ${await ticketFor('kari', 'kari-secret-1')}`],
  ['Bearer', async () => `Bearer ${token}`],
];

describe.each(credentials)('the official ChatAgent with %s credentials', (_, authorization) => {
  it('creates a default entity, saves, reads, updates and deletes a chat session', async () => {
    const agent = new ChatAgent(`${server.url}/api/`, { headers: { Authorization: await authorization() } });

    const entity = await agent.createDefaultChatSessionEntityAsync();
    expect(entity.chatSessionId).toBe(0);
    entity.topicId = 1;
    entity.customerName = 'Ola Nordmann';
    entity.customerEmail = 'ola@example.com';
    entity.firstMessage = 'Is the Havn Cargo in stock?';

    const saved = await agent.saveChatSessionEntityAsync(entity);
    expect(saved.chatSessionId!).toBeGreaterThan(0);
    expect(saved.customerName).toBe('Ola Nordmann');
    expect(saved.status).toBe('InQueue');
    expect(saved.whenRequested).toBeInstanceOf(Date);
    expect(saved.initialQueuePos).toBeGreaterThan(0);

    const read = await agent.getChatSessionEntityAsync(saved.chatSessionId!);
    expect(read.chatSessionId).toBe(saved.chatSessionId!);
    expect(read.customerEmail).toBe('ola@example.com');
    expect(read.sessionKey).toBeNull();

    read.status = 'Closed' as typeof read.status;
    read.lastMessage = 'Yes, two in the shop.';
    read.whenEnded = new Date('2026-11-26T10:00:00Z');
    const updated = await agent.saveChatSessionEntityAsync(read);
    expect(updated.chatSessionId).toBe(saved.chatSessionId!);
    expect(updated.status).toBe('Closed');
    expect(updated.lastMessage).toBe('Yes, two in the shop.');
    expect(updated.whenEnded?.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(updated.whenRequested?.getTime()).toBe(saved.whenRequested?.getTime());

    await agent.deleteChatSessionEntityAsync(saved.chatSessionId!);
    await expect(agent.getChatSessionEntityAsync(saved.chatSessionId!)).rejects.toBeTruthy();
  });
});

describe('the official ChatAgent with bad credentials', () => {
  it('gets a 401 and no data', async () => {
    const agent = new ChatAgent(`${server.url}/api/`, {
      headers: { Authorization: `Basic ${Buffer.from('admin:wrong-password').toString('base64')}` },
    });
    const error = await agent.createDefaultChatSessionEntityAsync().catch((e: unknown) => e);
    expect(JSON.stringify(error)).toContain('401');
  });
});

describe('a conversation through the official ChatAgent', () => {
  it('picks up, writes both ways, transfers and accepts, resets, and writes the transcript', async () => {
    const kari = new ChatAgent(`${server.url}/api/`, { headers: { Authorization: `SOTicket ${await ticketFor('kari', 'kari-secret-1')}` } });
    const admin = new ChatAgent(`${server.url}/api/`, { headers: { Authorization: `Basic ${Buffer.from('admin:admin-secret-1').toString('base64')}` } });
    const visitor = (await (
      await fetch(`${server.url}/api/v1/ChatSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ TopicId: 1, CustomerAlias: 'Ada', CustomerConsented: true, FirstMessage: 'Do you rent cargo bikes?' }),
      })
    ).json()) as { ChatSessionId: number; SessionKey: string };
    const id = visitor.ChatSessionId;

    const picked = await kari.pickUpChatSessionAsync(id);
    expect(picked).toMatchObject({ chatSessionId: id, rank: 1 });
    expect(picked.user?.userName).toBe('kari');
    expect(picked.whenStarted).toBeInstanceOf(Date);
    expect(await admin.pickUpChatSessionAsync(id)).toBeNull();

    const sent = await kari.addChatMessageAsync(id, { type: 'ToCustomer', message: 'Yes, by the day or the week.' } as never);
    expect(sent).toMatchObject({ chatSessionId: id, type: 'ToCustomer', author: 'Kari Nordmann' });
    expect(sent.whenPosted).toBeInstanceOf(Date);
    await fetch(`${server.url}/api/v1/ChatSession/${id}/Messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Chat-Session-Key': visitor.SessionKey },
      body: JSON.stringify({ Message: 'Great, a week please.' }),
    });
    const messages = await kari.getChatMessagesAsync(id, 0);
    expect(messages.map((message) => [message.type, message.message])).toEqual([
      ['ToCustomer', 'Yes, by the day or the week.'],
      ['ToUser', 'Great, a week please.'],
    ]);
    expect(await kari.getChatMessagesAsync(id, messages[0]!.chatMessageId!)).toHaveLength(1);

    const offered = await kari.transferChatSessionAsync(id, 'admin');
    expect(offered.transferTo?.userName).toBe('admin');
    const accepted = await admin.acceptChatSessionTransferAsync(id);
    expect(accepted.user?.userName).toBe('admin');
    expect(accepted.transferTo).toBeNull();
    expect((await kari.chatSessionsForUserAsync()).map((session) => session.chatSessionId)).toContain(id);

    const reset = await admin.resetChatSessionAsync(id);
    expect(reset.status).toBe('InQueue');
    expect((await kari.pickUpFirstChatSessionAsync())?.chatSessionId).toBe(id);
    expect(await kari.pickUpFirstChatSessionAsync()).toBeNull();

    const text = await kari.getChatTranscriptAsync(id, false);
    expect(text).toContain('Ada: Do you rent cargo bikes?');
    expect(text).toContain('Kari Nordmann: Yes, by the day or the week.');
    expect(await kari.getChatTranscriptAsync(id, true)).toContain('<div class="chat-transcript"');
  });

  it('tells presence, lists and changes a topic\'s members, and makes a session for a topic', async () => {
    const admin = new ChatAgent(`${server.url}/api/`, { headers: { Authorization: `Basic ${Buffer.from('admin:admin-secret-1').toString('base64')}` } });
    const presence = await admin.getChatPresenceAsync();
    expect(presence.map((entry) => entry.displayName).sort()).toEqual(['Kari Nordmann', 'admin']);
    const me = presence.find((entry) => entry.displayName === 'admin')!;
    await admin.saveChatPresenceAsync([{ ...me, present: false }]);
    expect((await admin.getChatPresenceAsync()).find((entry) => entry.userId === me.userId)?.present).toBe(false);

    const members = await admin.getChatTopicUserAgentListAsync(1);
    expect(members.map((entry) => entry.user?.userName).sort()).toEqual(['admin', 'kari']);
    const kari = members.find((entry) => entry.user?.userName === 'kari')!;
    const changed = await admin.updateChatTopicUserAgentAsync(1, 'kari', { ...kari, canManage: false });
    expect(changed).toMatchObject({ canRespond: true, canManage: false });
    expect((await admin.getChatTopicUserAgentAsync(1, 'kari')).canManage).toBe(false);
    expect((await admin.chatTopicsForUserAsync()).map((topic) => topic.name)).toEqual(['General']);
    const created = await admin.createChatSessionForTopicAsync(1);
    expect(created).toMatchObject({ topicId: 1, status: 'InQueue' });
    expect((await admin.getUserAgentListAsync(true, false)).map((item) => item.name).sort()).toEqual(['admin', 'kari']);
  });

  it('round-trips a topic’s opening hours, ISO durations in and HH:MM:SS out, and asks IsWithinOpeningHours', async () => {
    const authorization = `Basic ${Buffer.from('admin:admin-secret-1').toString('base64')}`;
    const admin = new ChatAgent(`${server.url}/api/`, { headers: { Authorization: authorization } });
    const rest = async () =>
      (await (await fetch(`${server.url}/api/v1/ChatTopic/1`, { headers: { Authorization: authorization } })).json()) as {
        OpeningHoursEnabled: boolean;
        OpeningHours: Record<string, unknown>;
      };
    const topic = await admin.getChatTopicEntityAsync(1);
    // The client reads the times as durations and the zone as TimeZoneData.
    expect(topic.openingHours?.monStart?.asHours()).toBe(8);
    expect(topic.openingHours?.lunchStop?.asMinutes()).toBe(12 * 60);
    expect(await admin.isWithinOpeningHoursAsync(1)).toBe(true);
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
    const hours = topic.openingHours as unknown as Record<string, unknown>;
    for (const day of days) hours[`${day}Enabled`] = false;
    topic.openingHoursEnabled = true;
    // It sends the durations back as it holds them: ISO 8601 (PT8H).
    const saved = await admin.saveChatTopicEntityAsync(topic);
    expect(saved.openingHoursEnabled).toBe(true);
    const stored = await rest();
    expect(stored.OpeningHours).toMatchObject({ MonEnabled: false, MonStart: '08:00:00', MonStop: '16:00:00', LunchStart: '11:30:00' });
    expect(await admin.isWithinOpeningHoursAsync(1)).toBe(false);
    expect(await admin.isWithinOpeningHoursAsync({ chatTopicId: 1 })).toBe(false);
    // Every day, all day.
    for (const day of days) Object.assign(hours, { [`${day}Enabled`]: true, [`${day}Start`]: '00:00:00', [`${day}Stop`]: '24:00:00' });
    await admin.saveChatTopicEntityAsync(topic);
    expect(await admin.isWithinOpeningHoursAsync(1)).toBe(true);
    topic.openingHoursEnabled = false;
    await admin.saveChatTopicEntityAsync(topic);
    expect((await rest()).OpeningHoursEnabled).toBe(false);
  });
});
