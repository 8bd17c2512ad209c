/**
 * Everything the ChatStore interface promises, run against every implementation: a new store
 * passes the same suite before any code above it may rely on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite/store.ts';
import { freshDatabase } from '../testing/postgres.ts';
import { sessionDraft, T0, topicDraft } from '../testing/drafts.ts';
import type { ChatStore, SessionCheck, SignInCount, SignInGuard } from './types.ts';

type Opened = { store: ChatStore; reopen(): Promise<ChatStore>; dispose(): Promise<void> };

/** Each implementation: how to open a fresh, empty store, and to open it again after close(). */
const implementations: [string, () => Promise<Opened>][] = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chatline-contract-'));
      const path = join(dir, 'chat.db');
      return {
        store: openSqliteStore(path),
        reopen: async () => openSqliteStore(path),
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await freshDatabase();
      return {
        store: await openPostgresStore(database.url),
        reopen: () => openPostgresStore(database.url),
        dispose: () => database.drop(),
      };
    },
  ],
];

const draft = sessionDraft;
const topic = topicDraft;

const pass: SessionCheck = () => {};

describe.each(implementations)('the %s store', (_, open) => {
  let opened: Opened;
  let store: ChatStore;
  beforeEach(async () => {
    opened = await open();
    store = opened.store;
  });
  afterEach(async () => {
    await store.close();
    await opened.dispose();
  });

  describe('sessions', () => {
    it('stores a session and gives it back as it was, with an id and the queue position', async () => {
      const person = { PersonId: 7, Firstname: 'Åse', Nested: { list: [1, 'two'] } };
      const created = await store.createSession(draft(1, 'Ada', { person, customerConsented: false, whenStarted: T0 + 5 }), pass);
      expect(created).toMatchObject({ topicId: 1, customerName: 'Ada', initialQueuePos: 1, person, customerConsented: false });
      expect(created.id).toBeGreaterThan(0);
      const read = await store.getSession(created.id);
      expect(read).toEqual(created);
      expect(read).toMatchObject({ whenRequested: T0, whenStarted: T0 + 5, whenEnded: null, customerConsented: false });
      expect(await store.getSession(created.id + 1000)).toBeNull();
    });

    it('numbers the queue per topic, exactly, however many creates arrive at once', async () => {
      const second = await store.createTopic(topic('Sales'));
      const created = await Promise.all(
        Array.from({ length: 60 }, (_, i) => store.createSession(draft(i % 3 === 0 ? second.id : 1, `v${i}`), pass)),
      );
      // Creates that arrive together are served in some order: whatever it is, each topic's
      // positions are 1, 2, 3… in the order of the ids, as the queue is read.
      const byId = [...created].sort((a, b) => a.id - b.id);
      const positions = (topicId: number) => byId.filter((s) => s.topicId === topicId).map((s) => s.initialQueuePos);
      expect(positions(1)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(positions(second.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(created.map((s) => s.id)).size).toBe(60);
    });

    it('tells a waiting session its place now, and the ids waiting in a topic, the oldest first', async () => {
      const sessions = [];
      for (let i = 0; i < 4; i++) sessions.push(await store.createSession(draft(1, `v${i}`), pass));
      await store.updateSession(sessions[1]!.id, draft(1, 'v1', { status: 6, updatedAt: T0 + 1 }), { expectedUpdatedAt: T0, check: pass });
      expect(await store.waitingSessionIds(1)).toEqual([sessions[0]!.id, sessions[2]!.id, sessions[3]!.id]);
      expect(await Promise.all(sessions.map((session) => store.queuePosition(session.id)))).toEqual([1, null, 2, 3]);
      expect(await store.waitingSessionIds(99)).toEqual([]);
    });

    it('counts only the sessions still waiting', async () => {
      const a = await store.createSession(draft(1, 'a'), pass);
      await store.createSession(draft(1, 'b'), pass);
      await store.createSession(draft(1, 'closed', { status: 9 }), pass);
      expect((await store.createSession(draft(1, 'c'), pass)).initialQueuePos).toBe(3);
      await store.updateSession(a.id, draft(1, 'a', { status: 6, updatedAt: T0 + 1 }), { expectedUpdatedAt: a.updatedAt, check: pass });
      expect((await store.createSession(draft(1, 'd'), pass)).initialQueuePos).toBe(3);
      await store.deleteSession(a.id);
      expect((await store.createSession(draft(1, 'e'), pass)).initialQueuePos).toBe(4);
    });

    it('shows the check what the draft refers to, and stores nothing it refuses', async () => {
      const agent = (await store.createAgent({ userName: 'kari', fullName: 'Kari', passwordHash: null, createdAt: T0 }))!;
      const seen: unknown[] = [];
      // The store itself refuses a session naming an agent that does not exist, even when the
      // check lets it through.
      await expect(
        store.createSession(draft(1, 'a', { userId: agent.id, transferToId: 999 }), (references) => void seen.push(references)),
      ).rejects.toThrow();
      await store.createSession(draft(1, 'a', { userId: agent.id }), pass);
      expect(seen).toEqual([
        {
          topic: { id: 1, collectConsent: true, allowedOrigins: [], widgetRequiredFields: 0, widgetOfflineFields: 1, offlineCollectConsent: true },
          user: agent,
          transferTo: null,
        },
      ]);
      const refused = new Error('refused');
      const results = await Promise.allSettled([
        store.createSession(draft(1, 'first'), pass),
        store.createSession(draft(1, 'refused'), () => {
          throw refused;
        }),
        store.createSession(draft(99, 'no such topic'), (references) => void seen.push(references.topic)),
        store.createSession(draft(1, 'third'), pass),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBe(refused);
      expect(seen[1]).toBeNull();
      const stored = await store.listSessions({ skip: 0, top: 10 });
      expect(stored.map((s) => s.customerName)).toEqual(['a', 'first', 'third']);
      expect(stored.map((s) => s.initialQueuePos)).toEqual([1, 2, 3]);
    });

    it('stores a create with an idempotency key once, however often and however fast it comes', async () => {
      const sent = [draft(1, 'Ada'), draft(1, 'Ada'), draft(1, 'Ada')];
      const created = await Promise.all(sent.map((d) => store.createSession(d, pass, { idempotencyKey: 'create-0001' })));
      expect(new Set(created.map((s) => s.id)).size).toBe(1);
      // The one that was stored is the caller's draft; the others are the stored session.
      expect(created.filter((s, i) => s === sent[i])).toHaveLength(1);
      const later = draft(1, 'Ada again');
      const again = await store.createSession(later, pass, { idempotencyKey: 'create-0001' });
      expect(again).not.toBe(later);
      expect(again).toEqual(await store.getSession(created[0]!.id));
      expect(await store.sessionCreatedWith('create-0001')).toEqual(again);
      expect(await store.sessionCreatedWith('create-0002')).toBeNull();
      expect((await store.listSessions({ skip: 0, top: 10 })).map((s) => s.customerName)).toEqual(['Ada']);
    });

    it('keeps a secret of its own, the same each time it is asked for', async () => {
      const secret = await store.serverSecret('test');
      expect(secret).toMatch(/^[\w-]{43}$/);
      expect(await store.serverSecret('test')).toBe(secret);
      expect(await store.serverSecret('other')).not.toBe(secret);
      await store.close();
      store = await opened.reopen();
      expect(await store.serverSecret('test')).toBe(secret);
    });

    it('lists sessions in id order, by topic and status, a page at a time', async () => {
      const sales = await store.createTopic(topic('Sales'));
      for (let i = 0; i < 6; i++) await store.createSession(draft(i % 2 === 0 ? 1 : sales.id, `v${i}`, { status: i < 4 ? 4 : 9 }), pass);
      const names = async (query: Parameters<ChatStore['listSessions']>[0]) => (await store.listSessions(query)).map((s) => s.customerName);
      expect(await names({ skip: 0, top: 100 })).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
      expect(await names({ topicId: 1, skip: 0, top: 100 })).toEqual(['v0', 'v2', 'v4']);
      expect(await names({ status: 4, skip: 0, top: 100 })).toEqual(['v0', 'v1', 'v2', 'v3']);
      expect(await names({ topicId: sales.id, status: 9, skip: 0, top: 100 })).toEqual(['v5']);
      expect(await names({ skip: 2, top: 3 })).toEqual(['v2', 'v3', 'v4']);
    });

    describe('the archive', () => {
      const said = (text: string) => ({ type: 2, message: text, author: 'Ada', readByCustomer: 1, specialType: 0, specialParam: null, whenPosted: T0 });
      const names = async (query: Partial<Parameters<ChatStore['searchSessions']>[0]>) =>
        (await store.searchSessions({ skip: 0, top: 100, ...query })).map((s) => s.customerName);

      it('filters by topic, status and whether the session ended, in either order, a page at a time', async () => {
        const sales = await store.createTopic(topic('Sales'));
        for (let i = 0; i < 6; i++) {
          await store.createSession(draft(i % 2 === 0 ? 1 : sales.id, `v${i}`, { status: i < 3 ? 4 : 9, whenEnded: i >= 3 ? T0 + i : null }), pass);
        }
        expect(await names({})).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
        expect(await names({ descending: true })).toEqual(['v5', 'v4', 'v3', 'v2', 'v1', 'v0']);
        expect(await names({ ended: true })).toEqual(['v3', 'v4', 'v5']);
        expect(await names({ ended: true, topicId: 1, descending: true })).toEqual(['v4']);
        expect(await names({ status: 4, topicId: 1 })).toEqual(['v0', 'v2']);
        expect(await names({ descending: true, skip: 1, top: 2 })).toEqual(['v4', 'v3']);
        expect(await names({ top: 0 })).toEqual([]);
      });

      it('finds a text in the customer fields, the first message or any message, in any case of any alphabet', async () => {
        const session = async (name: string, fields: Partial<Parameters<typeof draft>[2]> = {}, messages: string[] = []) => {
          const created = await store.createSession(draft(1, name, fields), pass);
          if (messages.length > 0) await store.changeSession(created.id, () => ({ messages: messages.map(said) }));
          return created;
        };
        await session('Kari Nordmann', { customerEmail: 'kari@example.com' });
        await session('Per', { customerAlias: 'ÅSE' });
        await session('Bo', { firstMessage: 'Do you service cargo bikes?' });
        await session('Lise', {}, ['Hello', 'My order 50% off was broken_glass']);
        // Decomposed, as some keyboards write it: å as a and a ring.
        await session('Ola', { customerName: 'Ola A\u030Asen' });
        await session('Nobody', {}, ['Nothing to see']);
        await session('Yuki', {}, ['東京の自転車を修理できますか']);
        expect(await names({ text: 'NORDMANN' })).toEqual(['Kari Nordmann']);
        expect(await names({ text: '@EXAMPLE.' })).toEqual(['Kari Nordmann']);
        expect(await names({ text: 'åse' })).toEqual(['Per', 'Ola Åsen'.normalize('NFD')]);
        expect(await names({ text: 'Åsen' })).toEqual(['Ola Åsen'.normalize('NFD')]);
        expect(await names({ text: 'CARGO bike' })).toEqual(['Bo']);
        expect(await names({ text: 'BROKEN_' })).toEqual(['Lise']);
        expect(await names({ text: '50%' })).toEqual(['Lise']);
        // % and _ are text, not wildcards.
        expect(await names({ text: '5%f' })).toEqual([]);
        expect(await names({ text: 'Hel_o' })).toEqual([]);
        expect(await names({ text: 'o', descending: true, top: 3 })).toEqual(['Nobody', 'Ola Åsen'.normalize('NFD'), 'Lise']);
        expect(await names({ text: '自転車' })).toEqual(['Yuki']);
        expect(await names({ text: 'æøå' })).toEqual([]);
        expect(await names({ text: '\\' })).toEqual([]);
      });

      it("keeps to the topics an agent may follow, and the agent's own sessions and those offered to it", async () => {
        const sales = await store.createTopic(topic('Sales'));
        const kari = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
        await store.createSession(draft(1, 'general'), pass);
        await store.createSession(draft(sales.id, 'sales'), pass);
        await store.createSession(draft(sales.id, 'kari’s', { userId: kari.id, status: 6 }), pass);
        await store.createSession(draft(sales.id, 'offered', { userId: null, transferToId: kari.id, status: 6 }), pass);
        expect(await names({ visibleTo: { topicIds: [1], agentId: kari.id } })).toEqual(['general', 'kari’s', 'offered']);
        expect(await names({ visibleTo: { topicIds: [], agentId: kari.id } })).toEqual(['kari’s', 'offered']);
        expect(await names({ visibleTo: { topicIds: [1, sales.id], agentId: kari.id }, text: 'S' })).toEqual(['sales', 'kari’s']);
        expect(await names({ visibleTo: { topicIds: [], agentId: kari.id + 1 } })).toEqual([]);
      });
    });

    it('writes a change only over the version it was made from', async () => {
      const created = await store.createSession(draft(1, 'Ada'), pass);
      const change = draft(1, 'Ada Lovelace', {
        status: 6,
        customerHost: 'changed',
        whenRequested: 0,
        sessionKeyHash: 'b'.repeat(64),
        contact: { ContactId: 3 },
        updatedAt: T0 + 1,
      });
      const updated = await store.updateSession(created.id, change, { expectedUpdatedAt: T0, check: pass });
      if (updated.outcome !== 'updated') throw new Error(`not updated: ${updated.outcome}`);
      const { session } = updated;
      // What the server computed when the session was requested stays.
      expect(session).toMatchObject({
        customerName: 'Ada Lovelace',
        status: 6,
        contact: { ContactId: 3 },
        customerHost: '203.0.113.7',
        whenRequested: T0,
        sessionKeyHash: 'a'.repeat(64),
        initialQueuePos: 1,
        updatedAt: T0 + 1,
      });
      expect(await store.getSession(created.id)).toEqual(session);

      const stale = await store.updateSession(created.id, draft(1, 'Lost'), { expectedUpdatedAt: T0, check: pass });
      expect(stale).toEqual({ outcome: 'changed' });
      expect((await store.getSession(created.id))?.customerName).toBe('Ada Lovelace');
      expect(await store.updateSession(created.id + 99, change, { expectedUpdatedAt: T0, check: pass })).toEqual({ outcome: 'missing' });
    });

    it('lets one of two changes made from the same version win, and refuses the other', async () => {
      const created = await store.createSession(draft(1, 'Ada'), pass);
      const results = await Promise.all(
        ['first', 'second'].map((name) =>
          store.updateSession(created.id, draft(1, name, { updatedAt: T0 + 1 }), { expectedUpdatedAt: T0, check: pass }),
        ),
      );
      expect(results.map((result) => result.outcome).sort()).toEqual(['changed', 'updated']);
    });

    it('checks a change against what it refers to, and writes nothing it refuses', async () => {
      const created = await store.createSession(draft(1, 'Ada'), pass);
      const sales = await store.createTopic(topic('Sales', { collectConsent: false }));
      let seen: unknown;
      const refused = new Error('no');
      await expect(
        store.updateSession(created.id, draft(sales.id, 'Moved', { updatedAt: T0 + 1 }), {
          expectedUpdatedAt: T0,
          check: (references) => {
            seen = references.topic;
            throw refused;
          },
        }),
      ).rejects.toBe(refused);
      expect(seen).toMatchObject({ id: sales.id, collectConsent: false });
      expect(await store.getSession(created.id)).toEqual(created);
    });

    it('deletes a session and answers what it deleted', async () => {
      const created = await store.createSession(draft(1, 'Ada'), pass);
      expect(await store.deleteSession(created.id)).toEqual(created);
      expect(await store.deleteSession(created.id)).toBeNull();
      expect(await store.getSession(created.id)).toBeNull();
      // An id is never handed out twice, even after the newest session is deleted.
      expect((await store.createSession(draft(1, 'Next'), pass)).id).toBeGreaterThan(created.id);
    });

    it('keeps what it accepted before close(), and has it after opening again', async () => {
      const accepted = store.createSession(draft(1, 'Just in time'), pass);
      await store.close();
      const session = await accepted;
      store = await opened.reopen();
      expect((await store.getSession(session.id))?.customerName).toBe('Just in time');
    });
  });

  describe('messages', () => {
    const message = (text: string, whenPosted = T0) => ({
      type: 2,
      message: text,
      author: 'Ada',
      readByCustomer: 1,
      specialType: 0,
      specialParam: null,
      whenPosted,
    });

    it('makes many changes that arrive at once each as if it were alone', async () => {
      const sessions = await Promise.all([1, 2, 3].map((i) => store.createSession(draft(1, `s${i}`), pass)));
      const refused = new Error('refused by the rules');
      const changes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          store.changeSession(
            sessions[i % 3]!.id,
            ({ session }) => {
              if (i % 7 === 3) throw refused;
              return { session: { lastMessage: `m${i}`, updatedAt: session.updatedAt + 1 }, messages: [message(`m${i}`), message(`m${i} again`)] };
            },
            // The 15th is a retry of the first: same session, same key.
            { idempotencyKey: i === 15 ? 'k0' : `k${i}` },
          ),
        ),
      );
      // What the rules refused fails alone, with what they threw.
      expect(changes.flatMap((change, i) => (change.status === 'rejected' ? [i] : []))).toEqual([3, 10, 17, 24]);
      for (const change of changes) if (change.status === 'rejected') expect(change.reason).toBe(refused);
      const answers = changes.flatMap((change) => (change.status === 'fulfilled' ? [change.value] : []));
      // The retry answers what the first stored, and stores nothing.
      const first = changes[0]!.status === 'fulfilled' ? changes[0]!.value : null;
      const retry = changes[15]!.status === 'fulfilled' ? changes[15]!.value : null;
      expect(retry).toMatchObject({ outcome: 'replayed', messages: first && first.outcome !== 'missing' ? first.messages : [] });
      expect(answers.filter((answer) => answer.outcome === 'changed')).toHaveLength(25);
      for (const session of sessions) {
        const stored = await store.listMessages(session.id, 0, 100);
        const ids = stored.map((m) => m.id);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        // Each change's two messages, one after the other, and each message once.
        for (let k = 0; k < stored.length; k += 2) expect(stored[k + 1]!.message).toBe(`${stored[k]!.message} again`);
        expect(new Set(stored.map((m) => m.message)).size).toBe(stored.length);
        // The row ends as its last change left it.
        expect((await store.getSession(session.id))?.lastMessage).toBe(stored.at(-2)!.message);
      }
      expect((await Promise.all(sessions.map((session) => store.listMessages(session.id, 0, 100)))).flat()).toHaveLength(50);

      // And without a retry among them: those the rules refuse fail, the others are all stored.
      const more = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.changeSession(sessions[i % 3]!.id, () => {
            if (i % 5 === 2) throw refused;
            return { messages: [message(`n${i}`)] };
          }),
        ),
      );
      expect(more.map((change) => change.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 5 === 2 ? 'rejected' : 'fulfilled')));
      const added = (await Promise.all(sessions.map((session) => store.listMessages(session.id, 0, 100)))).flat().filter((m) => m.message.startsWith('n'));
      expect(added.map((m) => m.message).sort()).toEqual(['n0', 'n1', 'n10', 'n11', 'n3', 'n4', 'n5', 'n6', 'n8', 'n9']);
    });

    it('changes a session and adds its messages in one step, with ids that only grow', async () => {
      const session = await store.createSession(draft(1, 'Ada'), pass);
      const first = await store.changeSession(session.id, () => ({ session: { lastMessage: 'Hello', updatedAt: T0 + 5 }, messages: [message('Hello')] }));
      if (first.outcome !== 'changed') throw new Error(first.outcome);
      expect(first.session).toMatchObject({ lastMessage: 'Hello', updatedAt: T0 + 5, customerName: 'Ada' });
      expect(first.messages).toEqual([{ id: expect.any(Number), sessionId: session.id, ...message('Hello') }]);
      const second = await store.changeSession(session.id, () => ({ messages: [message('one'), message('two')] }));
      if (second.outcome !== 'changed') throw new Error(second.outcome);
      // Every change makes the version larger, whether the decision says so or not.
      expect(second.session.updatedAt).toBe(T0 + 6);
      const ids = [first.messages[0]!.id, ...second.messages.map((m) => m.id)];
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(3);
      expect(await store.listMessages(session.id, 0, 10)).toEqual([...first.messages, ...second.messages]);
      expect(await store.listMessages(session.id, ids[0]!, 10)).toEqual(second.messages);
      expect(await store.listMessages(session.id, ids[0]!, 1)).toEqual([second.messages[0]]);
      expect(await store.listMessages(session.id, ids[2]!, 10)).toEqual([]);
      expect(await store.getSession(session.id)).toEqual(second.session);
    });

    it('knows the last message of all, 0 before there is any', async () => {
      expect(await store.lastMessageId()).toBe(0);
      const a = await store.createSession(draft(1, 'a'), pass);
      const b = await store.createSession(draft(1, 'b'), pass);
      const first = await store.changeSession(b.id, () => ({ messages: [message('to b')] }));
      const second = await store.changeSession(a.id, () => ({ messages: [message('to a')] }));
      if (first.outcome !== 'changed' || second.outcome !== 'changed') throw new Error('not changed');
      expect(await store.lastMessageId()).toBe(second.messages[0]!.id);
      expect(second.messages[0]!.id).toBeGreaterThan(first.messages[0]!.id);
    });

    it('keeps each session\'s messages apart, and deletes them with it', async () => {
      const a = await store.createSession(draft(1, 'a'), pass);
      const b = await store.createSession(draft(1, 'b'), pass);
      await store.changeSession(a.id, () => ({ messages: [message('to a')] }));
      await store.changeSession(b.id, () => ({ messages: [message('to b')] }));
      expect((await store.listMessages(a.id, 0, 10)).map((m) => m.message)).toEqual(['to a']);
      await store.deleteSession(a.id);
      expect(await store.listMessages(a.id, 0, 10)).toEqual([]);
      expect((await store.listMessages(b.id, 0, 10)).map((m) => m.message)).toEqual(['to b']);
    });

    it('decides each change from the session as it is then, so racing changes all count', async () => {
      const session = await store.createSession(draft(1, 'Ada'), pass);
      await Promise.all(Array.from({ length: 20 }, () => store.changeSession(session.id, ({ session: now }) => ({ session: { rank: now.rank + 1 } }))));
      expect((await store.getSession(session.id))?.rank).toBe(20);
    });

    it('writes nothing of a change its decision refuses, and says when there is no session', async () => {
      const session = await store.createSession(draft(1, 'Ada'), pass);
      const refused = new Error('ended');
      await expect(
        store.changeSession(session.id, () => {
          throw refused;
        }),
      ).rejects.toBe(refused);
      expect(await store.getSession(session.id)).toEqual(session);
      expect(await store.listMessages(session.id, 0, 10)).toEqual([]);
      expect(await store.changeSession(session.id + 99, () => ({ messages: [message('x')] }))).toEqual({ outcome: 'missing' });
    });

    it('does a change with an idempotency key once, and answers its messages again after', async () => {
      const session = await store.createSession(draft(1, 'Ada'), pass);
      const other = await store.createSession(draft(1, 'Bo'), pass);
      const send = (id: number, text: string) =>
        store.changeSession(id, () => ({ session: { lastMessage: text }, messages: [message(text)] }), { idempotencyKey: 'key-0001' });
      const first = await send(session.id, 'Hello');
      const again = await send(session.id, 'Hello, again');
      expect(again).toMatchObject({ outcome: 'replayed', messages: (first as { messages: unknown[] }).messages });
      expect((await store.getSession(session.id))?.lastMessage).toBe('Hello');
      expect(await store.listMessages(session.id, 0, 10)).toHaveLength(1);
      // The key is the session's own: another session may use the same.
      expect((await send(other.id, 'Hi')).outcome).toBe('changed');
      const racing = await Promise.all([send(session.id, 'x'), send(session.id, 'y')]);
      expect(racing.map((result) => result.outcome)).toEqual(['replayed', 'replayed']);
    });

    it("marks the customer's messages read up to an id, once, and says the highest read", async () => {
      const session = await store.createSession(draft(1, 'Ada'), pass);
      const other = await store.createSession(draft(1, 'Bo'), pass);
      const toCustomer = (text: string) => ({ ...message(text), type: 1, readByCustomer: 0 });
      const added = await store.changeSession(session.id, () => ({
        messages: [toCustomer('one'), message('from Ada'), toCustomer('two'), { ...toCustomer('welcome'), type: 3 }, toCustomer('three')],
      }));
      await store.changeSession(other.id, () => ({ messages: [toCustomer('for Bo')] }));
      if (added.outcome !== 'changed') throw new Error(added.outcome);
      const [one, , two, special, three] = added.messages.map((m) => m.id);
      const read = async () => (await store.listMessages(session.id, 0, 10)).map((m) => [m.message, m.readByCustomer]);
      expect(await store.markReadByCustomer(session.id, two!)).toEqual({ marked: 2, lastRead: two });
      expect(await read()).toEqual([['one', 1], ['from Ada', 1], ['two', 1], ['welcome', 0], ['three', 0]]);
      expect(await store.markReadByCustomer(session.id, special!)).toEqual({ marked: 0, lastRead: two });
      expect(await store.markReadByCustomer(session.id, one!)).toEqual({ marked: 0, lastRead: two });
      expect(await store.markReadByCustomer(session.id, Number.MAX_SAFE_INTEGER)).toEqual({ marked: 1, lastRead: three });
      expect(await read()).toEqual([['one', 1], ['from Ada', 1], ['two', 1], ['welcome', 0], ['three', 1]]);
      expect((await store.listMessages(other.id, 0, 10)).map((m) => m.readByCustomer)).toEqual([0]);
      expect(await store.markReadByCustomer(other.id + 1000, 1)).toBeNull();
      expect(await store.markReadByCustomer(other.id, 0)).toEqual({ marked: 0, lastRead: 0 });
    });

    it("gives the decision the ranks of the agent's other sessions under way", async () => {
      const agent = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const active = (rank: number, status: number) => store.createSession(draft(1, `r${rank}`, { userId: agent.id, rank, status }), pass);
      await active(1, 6);
      await active(3, 5);
      await active(2, 9); // ended: its rank is free again
      const session = await store.createSession(draft(1, 'new'), pass);
      let seen: number[] = [];
      await store.changeSession(session.id, ({ agentRanks }) => ((seen = agentRanks), {}), { ranksOf: agent.id });
      expect(seen.sort()).toEqual([1, 3]);
    });

    it('gives chats an agent takes at once each a rank of its own', async () => {
      const agent = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const waiting = await Promise.all(Array.from({ length: 8 }, (_, i) => store.createSession(draft(1, `v${i}`), pass)));
      const lowestFree = (ranks: number[]) => {
        let rank = 1;
        while (ranks.includes(rank)) rank++;
        return rank;
      };
      const taken = await Promise.all(
        waiting.map((session) =>
          store.changeSession(session.id, ({ agentRanks }) => ({ session: { userId: agent.id, status: 5, rank: lowestFree(agentRanks) } }), { ranksOf: agent.id }),
        ),
      );
      expect(taken.map((change) => (change.outcome === 'changed' ? change.session.rank : 0)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });

  describe('topics', () => {
    it('starts with topic 1, "General"', async () => {
      expect(await store.getTopic(1)).toMatchObject({ id: 1, name: 'General', collectConsent: true, allowedOrigins: [] });
    });

    it('creates, reads, lists, replaces and deletes topics', async () => {
      const settings = topic('Rentals', {
        collectConsent: false,
        allowedOrigins: ['https://rent.example', 'http://localhost:8080'],
        widgetRequiredFields: 3,
        widgetColor: '#0b6e4f',
      });
      const created = await store.createTopic(settings);
      expect(created).toEqual({ id: created.id, ...settings });
      expect(await store.getTopic(created.id)).toEqual(created);
      expect((await store.listTopics()).map((t) => t.name)).toEqual(['General', 'Rentals']);
      const replaced = await store.updateTopic(created.id, topic('Tours'));
      expect(replaced).toEqual({ id: created.id, ...topic('Tours') });
      expect(await store.updateTopic(999, topic('x'))).toBeNull();
      expect(await store.deleteTopic(created.id)).toBe('deleted');
      expect(await store.deleteTopic(created.id)).toBe('missing');
      expect(await store.getTopic(created.id)).toBeNull();
    });

    it('keeps a topic that still has sessions', async () => {
      await store.createSession(draft(1, 'Ada'), pass);
      expect(await store.deleteTopic(1)).toBe('in_use');
      expect(await store.getTopic(1)).not.toBeNull();
    });

    it('tells whether any topic lists an origin, exactly', async () => {
      await store.createTopic(topic('Rentals', { allowedOrigins: ['https://rent.example', 'https://bikes.example'] }));
      expect(await store.anyTopicAllows('https://bikes.example')).toBe(true);
      expect(await store.anyTopicAllows('https://rent.example')).toBe(true);
      expect(await store.anyTopicAllows('https://rent.exampl')).toBe(false);
      expect(await store.anyTopicAllows('https://rent.example.evil')).toBe(false);
      expect(await store.anyTopicAllows('')).toBe(false);
    });
  });

  describe('canned replies', () => {
    const reply = (name: string, text = `${name}!`) => ({ name, text });

    it('keeps each topic its replies, listed by name in any case and then by id', async () => {
      const sales = await store.createTopic(topic('Sales'));
      const saved = [];
      for (const name of ['greeting', 'Bye', 'Åpningstider', 'after hours']) saved.push(await store.createCannedReply(1, reply(name), { limit: 100 }));
      await store.createCannedReply(sales.id, reply('Greeting', 'Hello from sales'), { limit: 100 });
      expect(saved.map((write) => write.outcome)).toEqual(['saved', 'saved', 'saved', 'saved']);
      const first = saved[0] as { reply: { id: number } };
      expect(saved[0]).toEqual({ outcome: 'saved', reply: { id: first.reply.id, topicId: 1, name: 'greeting', text: 'greeting!' } });
      expect((await store.listCannedReplies(1)).map((r) => r.name)).toEqual(['after hours', 'Bye', 'greeting', 'Åpningstider']);
      expect(await store.listCannedReplies(sales.id)).toEqual([{ id: expect.any(Number), topicId: sales.id, name: 'Greeting', text: 'Hello from sales' }]);
      expect(await store.listCannedReplies(999)).toEqual([]);
      expect(await store.createCannedReply(999, reply('x'), { limit: 100 })).toEqual({ outcome: 'missing' });
    });

    it('refuses a name taken in the topic in any case, and a reply past the limit, writing nothing', async () => {
      await store.createCannedReply(1, reply('Åse'), { limit: 3 });
      expect(await store.createCannedReply(1, reply('åSE'), { limit: 3 })).toEqual({ outcome: 'taken' });
      expect(await store.createCannedReply(1, reply('A\u030Ase'), { limit: 3 })).toEqual({ outcome: 'taken' });
      const more = await Promise.all(['one', 'two', 'three', 'four'].map((name) => store.createCannedReply(1, reply(name), { limit: 3 })));
      expect(more.map((write) => write.outcome).sort()).toEqual(['full', 'full', 'saved', 'saved']);
      expect(await store.listCannedReplies(1)).toHaveLength(3);
    });

    it('changes and deletes a reply of its topic only', async () => {
      const sales = await store.createTopic(topic('Sales'));
      const { reply: greeting } = (await store.createCannedReply(1, reply('Greeting'), { limit: 100 })) as { reply: { id: number } };
      const { reply: bye } = (await store.createCannedReply(1, reply('Bye'), { limit: 100 })) as { reply: { id: number } };
      expect(await store.updateCannedReply(1, greeting.id, reply('GREETING', 'Hi there'))).toEqual({
        outcome: 'saved',
        reply: { id: greeting.id, topicId: 1, name: 'GREETING', text: 'Hi there' },
      });
      expect(await store.updateCannedReply(1, greeting.id, reply('bye'))).toEqual({ outcome: 'taken' });
      expect(await store.updateCannedReply(sales.id, greeting.id, reply('x'))).toEqual({ outcome: 'missing' });
      expect(await store.deleteCannedReply(sales.id, bye.id)).toBe(false);
      expect(await store.deleteCannedReply(1, bye.id)).toBe(true);
      expect(await store.deleteCannedReply(1, bye.id)).toBe(false);
      expect(await store.updateCannedReply(1, bye.id, reply('Bye'))).toEqual({ outcome: 'missing' });
      expect(await store.listCannedReplies(1)).toEqual([{ id: greeting.id, topicId: 1, name: 'GREETING', text: 'Hi there' }]);
    });

    it('deletes a topic\'s replies with it', async () => {
      const sales = await store.createTopic(topic('Sales'));
      await store.createCannedReply(sales.id, reply('Greeting'), { limit: 100 });
      expect(await store.deleteTopic(sales.id)).toBe('deleted');
      expect(await store.listCannedReplies(sales.id)).toEqual([]);
    });
  });

  describe('agents and credentials', () => {
    it('adds agents with unique user names regardless of case, and finds them in any case', async () => {
      const kari = await store.createAgent({ userName: 'kari', fullName: 'Kari Nordmann', passwordHash: 'scrypt$x', createdAt: T0 });
      expect(kari).toMatchObject({ userName: 'kari', fullName: 'Kari Nordmann', passwordHash: 'scrypt$x', deleted: false, type: 'Employee', createdAt: T0 });
      expect(await store.createAgent({ userName: 'KARI', fullName: '', passwordHash: null, createdAt: T0 })).toBeNull();
      expect(await store.findAgent('Kari')).toEqual(kari);
      expect(await store.getAgent(kari!.id)).toEqual(kari);
      expect(await store.getAgent(kari!.id + 1)).toBeNull();
      await store.createAgent({ userName: 'ola', fullName: 'Ola', passwordHash: null, createdAt: T0 });
      expect((await store.listAgents()).map((a) => a.userName)).toEqual(['kari', 'ola']);
      // Any letters, not only ASCII ones, and composed or not.
      const ase = await store.createAgent({ userName: 'Åse', fullName: '', passwordHash: null, createdAt: T0 });
      expect(await store.createAgent({ userName: 'åse', fullName: '', passwordHash: null, createdAt: T0 })).toBeNull();
      expect(await store.createAgent({ userName: 'A\u030Ase', fullName: '', passwordHash: null, createdAt: T0 })).toBeNull();
      expect(await store.findAgent('ÅSE')).toEqual(ase);
      expect(await store.findAgent('a\u030Ase')).toEqual(ase);
      const credential = { secretHash: 'c1', kind: 'ticket' as const, agentId: kari!.id, xsrfHash: null, createdAt: T0, expiresAt: T0 + 1000, lastUsedAt: null };
      expect(await store.addCredential(credential, { passwordHash: 'scrypt$x' })).toBe(true);
      expect(await store.setPassword(kari!.id, 'scrypt$y')).toBe(true);
      // A sign-in that checked the old password gets nothing.
      expect(await store.addCredential({ ...credential, secretHash: 'c2' }, { passwordHash: 'scrypt$x' })).toBe(false);
      expect(await store.findCredential('c2', 'ticket', T0)).toBeNull();
      expect((await store.getAgent(kari!.id))?.passwordHash).toBe('scrypt$y');
      expect(await store.setPassword(999, 'scrypt$y')).toBe(false);
    });

    it('finds a credential by its hash and kind until it expires, and forgets it when deleted', async () => {
      const kari = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const ticket = { secretHash: 'h1', kind: 'ticket' as const, agentId: kari.id, xsrfHash: null, createdAt: T0, expiresAt: T0 + 1000, lastUsedAt: null };
      const token = { secretHash: 'h2', kind: 'token' as const, agentId: kari.id, xsrfHash: null, createdAt: T0, expiresAt: null, lastUsedAt: null };
      await store.addCredential(ticket);
      await store.addCredential(token);
      expect(await store.findCredential('h1', 'ticket', T0 + 999)).toEqual(ticket);
      expect(await store.findCredential('h1', 'ticket', T0 + 1000)).toBeNull();
      expect(await store.findCredential('h1', 'token', T0)).toBeNull();
      expect(await store.findCredential('h2', 'token', T0 + 10 ** 12)).toEqual(token);
      expect(await store.deleteCredential('h2')).toEqual(token);
      expect(await store.deleteCredential('h2')).toBeNull();
      expect(await store.findCredential('h2', 'token', T0)).toBeNull();
    });

    it('lists an agent’s credentials of a kind with their last use, and revokes them with its stream tickets, nobody else’s', async () => {
      const kari = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const ola = (await store.createAgent({ userName: 'ola', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const credential = (secretHash: string, kind: 'token' | 'ticket' | 'session', agentId: number, createdAt: number) => ({
        secretHash,
        kind,
        agentId,
        xsrfHash: null,
        createdAt,
        expiresAt: kind === 'token' ? null : T0 + 10_000,
        lastUsedAt: null,
      });
      await store.addCredential(credential('k2', 'token', kari.id, T0 + 2));
      await store.addCredential(credential('k1', 'token', kari.id, T0 + 1));
      await store.addCredential(credential('k3', 'session', kari.id, T0));
      await store.addCredential(credential('o1', 'token', ola.id, T0));
      await store.touchCredential('k2', T0 + 500);
      expect((await store.listCredentials(kari.id, 'token', T0)).map((c) => [c.secretHash, c.lastUsedAt])).toEqual([
        ['k1', null],
        ['k2', T0 + 500],
      ]);
      await store.addStreamTicket({ secretHash: 's1', sessionId: null, agentId: kari.id, expiresAt: T0 + 60_000 });
      expect(await store.revokeCredentials(kari.id, ['token'])).toBe(2);
      expect(await store.findCredential('k1', 'token', T0)).toBeNull();
      expect(await store.findCredential('k3', 'session', T0)).not.toBeNull();
      expect(await store.findCredential('o1', 'token', T0)).not.toBeNull();
      expect(await store.takeStreamTicket('s1', T0)).toBeNull();
      expect(await store.revokeCredentials(kari.id, ['token', 'ticket', 'session'])).toBe(1);
      expect(await store.listCredentials(kari.id, 'session', T0)).toEqual([]);
    });

    it('removes an agent from the team once: away, out of every topic, without a credential, its name kept', async () => {
      const kari = (await store.createAgent({ userName: 'kari', fullName: 'Kari Nordmann', passwordHash: 'scrypt$x', createdAt: T0 }))!;
      await store.setTopicAgent({ topicId: 1, agentId: kari.id, canListen: true, canRespond: true, canManage: false, canNotify: true });
      await store.addCredential({ secretHash: 'k1', kind: 'token', agentId: kari.id, xsrfHash: null, createdAt: T0, expiresAt: null, lastUsedAt: null });
      await store.addStreamTicket({ secretHash: 's1', sessionId: null, agentId: kari.id, expiresAt: T0 + 60_000 });
      expect(await store.removeAgent(kari.id)).toEqual(kari);
      // Nothing new for it once it is gone.
      expect(await store.addCredential({ secretHash: 'k2', kind: 'token', agentId: kari.id, xsrfHash: null, createdAt: T0, expiresAt: null, lastUsedAt: null })).toBe(false);
      expect(await store.removeAgent(kari.id)).toBeNull();
      expect(await store.removeAgent(999)).toBeNull();
      expect(await store.getAgent(kari.id)).toMatchObject({ userName: 'kari', fullName: 'Kari Nordmann', deleted: true, present: false });
      expect(await store.agentTopics(kari.id)).toEqual([]);
      expect(await store.findCredential('k1', 'token', T0)).toBeNull();
      expect(await store.takeStreamTicket('s1', T0)).toBeNull();
    });

    it('keeps an agent’s record of sign-ins, the newest first, counting the same event again, at most the last hundred', async () => {
      const kari = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const event = { agentId: kari.id, kind: 'sign_in_failed' as const, method: 'login', address: '203.0.113.7', requestId: 'r1' };
      await store.addSignInEvent({ ...event, at: T0 });
      await store.addSignInEvent({ ...event, at: T0 + 1, requestId: 'r2' });
      await store.addSignInEvent({ ...event, at: T0 + 2, kind: 'sign_in', requestId: 'r3' });
      await store.addSignInEvent({ ...event, at: T0 + 3, address: '203.0.113.8', requestId: 'r4' });
      expect(await store.listSignInEvents(kari.id, 10)).toEqual([
        { ...event, at: T0 + 3, address: '203.0.113.8', requestId: 'r4', count: 1 },
        { ...event, at: T0 + 2, kind: 'sign_in', requestId: 'r3', count: 1 },
        { ...event, at: T0 + 1, requestId: 'r2', count: 2 },
      ]);
      for (let i = 0; i < 120; i++) await store.addSignInEvent({ ...event, at: T0 + 10 + i, address: `198.51.100.${i % 2}` });
      const kept = await store.listSignInEvents(kari.id, 1000);
      expect(kept).toHaveLength(100);
      expect(kept[0]!.at).toBe(T0 + 129);
      expect(await store.listSignInEvents(kari.id, 2)).toHaveLength(2);
    });
  });

  describe('what the processes on one store share', () => {
    it('lets a stream ticket be taken once, before it expires, and forgets it with its session', async () => {
      const session = await store.createSession(draft(1, 'Ada'), pass);
      const kari = (await store.createAgent({ userName: 'kari', fullName: '', passwordHash: null, createdAt: T0 }))!;
      const visitor = { secretHash: 't1', sessionId: session.id, agentId: null, expiresAt: T0 + 60_000 };
      const agent = { secretHash: 't2', sessionId: null, agentId: kari.id, expiresAt: T0 + 60_000 };
      await store.addStreamTicket(visitor);
      await store.addStreamTicket(agent);
      const twice = await Promise.all([store.takeStreamTicket('t1', T0 + 1), store.takeStreamTicket('t1', T0 + 1)]);
      expect(twice.filter(Boolean)).toEqual([visitor]);
      expect(await store.takeStreamTicket('t2', T0 + 60_000)).toBeNull();
      expect(await store.takeStreamTicket('unknown', T0)).toBeNull();
      await store.addStreamTicket({ ...visitor, secretHash: 't3' });
      await store.deleteSession(session.id);
      expect(await store.takeStreamTicket('t3', T0 + 1)).toBeNull();
    });

    it('counts sign-ins per account from an address and from anywhere, one decision after the other', async () => {
      const fresh = { failures: 0, since: 0, lastFailureAt: null, pending: 0, pendingAt: null, lastSuccessAt: null };
      const seen: SignInGuard[] = [];
      // Ten decisions at once, each adding one failure to what it reads: none is lost.
      await Promise.all(
        Array.from({ length: 10 }, () =>
          store.guardSignIn('acct', '203.0.113.7', (guard) => {
            seen.push(guard);
            const failed = (count: SignInCount) => ({ ...count, failures: count.failures + 1, lastFailureAt: T0 });
            return { fromAddress: failed(guard.fromAddress), fromAnywhere: failed(guard.fromAnywhere) };
          }),
        ),
      );
      let now: SignInGuard | undefined;
      await store.guardSignIn('acct', '203.0.113.7', (guard) => ((now = guard), null));
      expect(now).toEqual({ fromAddress: { ...fresh, failures: 10, lastFailureAt: T0 }, fromAnywhere: { ...fresh, failures: 10, lastFailureAt: T0 } });
      // Another address of the account shares only the count from anywhere; another account nothing.
      await store.guardSignIn('acct', '203.0.113.8', (guard) => ((now = guard), null));
      expect(now).toEqual({ fromAddress: fresh, fromAnywhere: { ...fresh, failures: 10, lastFailureAt: T0 } });
      await store.guardSignIn('other', '203.0.113.7', (guard) => ((now = guard), null));
      expect(now).toEqual({ fromAddress: fresh, fromAnywhere: fresh });
      expect(seen[0]).toEqual({ fromAddress: fresh, fromAnywhere: fresh });
      // Counts that have seen nothing since are forgotten; newer ones stay.
      await store.guardSignIn('recent', '203.0.113.7', () => ({ fromAddress: { ...fresh, since: T0 + 5000, lastSuccessAt: T0 + 5000 }, fromAnywhere: { ...fresh, since: T0 + 5000 } }));
      await store.forgetSignIns(T0 + 1000);
      await store.guardSignIn('acct', '203.0.113.7', (guard) => ((now = guard), null));
      expect(now).toEqual({ fromAddress: fresh, fromAnywhere: fresh });
      await store.guardSignIn('recent', '203.0.113.7', (guard) => ((now = guard), null));
      expect(now!.fromAddress.lastSuccessAt).toBe(T0 + 5000);
    });

    it('counts a rate limit per key, refills it over its window, and says when the next token comes', async () => {
      const limit = { perWindow: 3, windowMs: 60_000 };
      const takes = await Promise.all(Array.from({ length: 5 }, () => store.takeRateToken('create:203.0.113.7', limit, T0)));
      expect(takes.filter((wait) => wait === 0)).toHaveLength(3);
      // One token comes back every 20 seconds.
      expect(takes.filter((wait) => wait > 0)).toEqual([20, 20]);
      expect(await store.takeRateToken('create:203.0.113.8', limit, T0)).toBe(0);
      expect(await store.takeRateToken('create:203.0.113.7', limit, T0 + 15_000)).toBe(5);
      expect(await store.takeRateToken('create:203.0.113.7', limit, T0 + 20_000)).toBe(0);
      expect(await store.takeRateToken('create:203.0.113.7', limit, T0 + 20_001)).toBe(20);
      // A full window later the bucket is full again, however empty it was.
      for (let i = 0; i < 3; i++) expect(await store.takeRateToken('create:203.0.113.7', limit, T0 + 200_000)).toBe(0);
      expect(await store.takeRateToken('create:203.0.113.7', limit, T0 + 200_000)).toBeGreaterThan(0);
    });
  });
});
