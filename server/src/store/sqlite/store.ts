/**
 * The ChatStore on SQLite through better-sqlite3: one file, WAL, foreign keys on, statements
 * prepared once. All SQL and every SQLite encoding (0/1, JSON text, space-separated origins)
 * stay in this folder; the records it answers are the interface's.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ChatMessageType, ChatSessionStatus } from '@chatline/shared';
import { fold, jsonText, list, reader, recordColumns, valuesOf, type Column } from '../columns.ts';
import {
  StoreBusyError,
  type AgentRecord,
  type ArchiveQuery,
  type CannedReplyRecord,
  type CannedReplyWrite,
  type ChatStore,
  type CredentialRecord,
  type MessageDraft,
  type MessageRecord,
  type TopicAgentRecord,
  type SessionCheck,
  type SessionDraft,
  type SessionRecord,
  type SessionReferences,
  type SignInCount,
  type SignInEventRecord,
  SIGN_IN_EVENTS_KEPT,
  TRIMMED_SIGN_IN_KINDS,
  sameEventAgain,
  type StreamTicketRecord,
  type TopicRecord,
  type TopicRules,
} from '../types.ts';

const TRIMMED_KINDS = TRIMMED_SIGN_IN_KINDS.map((kind) => `'${kind}'`).join(', ');

import { migrationsFolder } from '../migrations.ts';
import { migrate, readMigrations } from './migrate.ts';

export const migrationsDir = migrationsFolder(import.meta.url, 'sqlite');

export type SqliteOptions = {
  /** Milliseconds a statement waits for another process's write lock before the store reports it busy. */
  busyTimeout?: number;
  /**
   * NORMAL (the default): a committed write survives a crash of the server process; after a
   * crash of the operating system or a power cut the database is intact but may have lost the
   * last transactions, as the WAL is synced at checkpoints only. FULL syncs the WAL at every
   * commit, so an answered write survives a power cut too, at a fraction of the throughput.
   */
  synchronous?: 'NORMAL' | 'FULL';
};

const columns = recordColumns({
  bool: { encode: (value) => (value ? 1 : 0), decode: (value) => value === 1 },
  reference: jsonText,
  // Origins separated by spaces.
  origins: { encode: (value) => (value as string[]).join(' '), decode: (value) => (value as string).split(' ').filter(Boolean) },
});
const sessionColumns = columns.session;
const topicColumns = columns.topic;
const agentColumns = columns.agent;
const topicAgentColumns = columns.topicAgent;
const messageColumns = columns.message;
const credentialColumns = columns.credential;

const marks = (columns: readonly Column[]) => columns.map(() => '?').join(', ');

const ascii = (text: string) => /^[\x00-\x7f]*$/.test(text);
/** Whether LIKE, which folds ASCII letters only, finds the text in any case: none of its other letters has one (CJK, Arabic…). */
const likeFinds = (text: string) => [...text].every((c) => c <= '\x7f' || c.toLowerCase() === c.toUpperCase());

/** Thrown inside a transaction to undo it all and answer false. */
class Refused extends Error {}

const isBusy = (error: unknown) => /^SQLITE_BUSY/.test(String((error as { code?: unknown } | null)?.code));
const busyOr = (error: unknown) => (isBusy(error) ? new StoreBusyError(error) : error);

/** Opens (creating if needed) the database file, brings its schema up to date, prepares statements. */
export function openSqliteStore(path: string, { busyTimeout = 5000, synchronous = 'NORMAL' }: SqliteOptions = {}): ChatStore {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    // The log is copied back into the database every 8,000 pages (32 MB) rather than SQLite's
    // 1,000: the pages a chat writes over and over (the message table's last page, the id
    // sequence, the queue counter) are copied once for many more commits, and the commits that
    // stop to copy are fewer (a third more messages a second, a third of the p99).
    db.pragma('wal_autocheckpoint = 8000');
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeout)}`);
    migrate(db, readMigrations(migrationsDir));
  } catch (error) {
    db.close();
    throw busyOr(error);
  }

  const toSession = reader<SessionRecord>(sessionColumns);
  const toTopic = reader<TopicRecord>(topicColumns);
  const toAgent = reader<AgentRecord>(agentColumns);
  const toCredential = reader<CredentialRecord>(credentialColumns);
  const toMessage = reader<MessageRecord>(messageColumns);
  const toTopicAgent = reader<TopicAgentRecord>(topicAgentColumns);
  const topicWriteColumns = topicColumns.filter((c) => c.key !== 'id');

  // What a new session's row is made of: everything but the id and the queue position, which
  // the database chooses.
  const insertColumns = sessionColumns.filter((c) => c.key !== 'id' && c.key !== 'initialQueuePos');
  // What a replacement changes: never what the server computed when the session was requested.
  const updateColumns = insertColumns.filter((c) => !['customerHost', 'whenRequested', 'sessionKeyHash'].includes(c.key));

  // One statement reads the queue count and inserts, inside an IMMEDIATE transaction that holds
  // the write lock from its start, so no other process can count the same queue in between.
  // The waiting count is kept by triggers (migration 0003): one primary-key read, not a count.
  // RETURNING gives what the database chose, the id and the position; the rest of the record
  // is what was written. Values are bound by position: by name costs V8 two lookups each.
  const insertSession = db
    .prepare(
      `INSERT INTO chat_session (${list(insertColumns)}, initial_queue_pos)
       VALUES (${marks(insertColumns)}, coalesce((SELECT waiting FROM chat_queue WHERE topic_id = ?), 0) + 1)
       RETURNING id, initial_queue_pos`,
    )
    .raw();
  const selectSession = db.prepare(`SELECT ${list(sessionColumns)} FROM chat_session WHERE id = ?`).raw();
  const selectSessions = (where: string) =>
    db.prepare(`SELECT ${list(sessionColumns)} FROM chat_session ${where} ORDER BY id LIMIT ? OFFSET ?`).raw();
  const sessionListsByShape = new Map<string, Database.Statement>();
  const messagesAfterByShape = new Map<number, Database.Statement>();
  const selectLastMessageId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM chat_message').pluck();
  const sessionLists = {
    all: selectSessions(''),
    topic: selectSessions('WHERE topic_id = ?'),
    status: selectSessions('WHERE status = ?'),
    topicStatus: selectSessions('WHERE topic_id = ? AND status = ?'),
  };
  // The archive's search reads the session's customer fields and its messages in id order until
  // it has its page: the primary key gives the order, the message index each session's messages,
  // and LIKE runs in SQLite's own code. A text index (FTS5 trigrams) would answer a rare text at
  // once, but cost every message write about 58 µs more and make the file three times its size.
  const archiveStatements = new Map<string, Database.Statement>();
  const searchedColumns = ['s.customer_alias', 's.customer_name', 's.customer_email', 's.first_message', 'm.message'];
  /** LIKE's pattern for text anywhere in a value: `%`, `_` and the escape are text like any other. */
  const anywhere = (...parts: string[]) => `%${parts.map((part) => part.replace(/[\\%_]/g, (c) => `\\${c}`)).join('%')}%`;
  function archiveStatement(query: ArchiveQuery, textKind: '' | 'like' | 'fold') {
    const topics = query.visibleTo?.topicIds.length ?? -1;
    const shape = `${query.topicId !== undefined}:${query.status !== undefined}:${query.ended === true}:${textKind}:${topics}:${query.descending === true}`;
    let statement = archiveStatements.get(shape);
    if (statement) return statement;
    // LIKE folds ASCII letters only. A text of ASCII is found by it alone; for another, LIKE finds
    // the values with its ASCII parts in order, and the fold of every alphabet decides among those.
    const match = (value: string) =>
      textKind === 'like' ? `${value} LIKE @like ESCAPE '\\'` : `(${value} LIKE @like ESCAPE '\\' AND chatline_fold(${value}) LIKE @folded ESCAPE '\\')`;
    const [message, ...fields] = [searchedColumns.at(-1)!, ...searchedColumns.slice(0, -1)];
    const visible = [
      ...(topics > 0 ? [`s.topic_id IN (${Array.from({ length: topics }, (_, i) => `@topic${i}`).join(', ')})`] : []),
      's.user_id = @agentId',
      's.transfer_to_id = @agentId',
    ];
    const where = [
      // With a status, the (topic, status) index reads the topic's sessions in id order; without
      // one it would have them all sorted first, where the id order finds a page and stops.
      query.topicId !== undefined ? (query.status !== undefined ? 's.topic_id = @topicId' : '+s.topic_id = @topicId') : '',
      query.status !== undefined ? 's.status = @status' : '',
      query.ended ? 's.when_ended IS NOT NULL' : '',
      topics >= 0 ? `(${visible.join(' OR ')})` : '',
      textKind
        ? `(${fields.map(match).join(' OR ')} OR EXISTS (SELECT 1 FROM chat_message m WHERE m.session_id = s.id AND ${match(message)}))`
        : '',
    ].filter(Boolean);
    statement = db
      .prepare(
        `SELECT ${sessionColumns.map((c) => `s.${c.name}`).join(', ')} FROM chat_session s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY s.id ${query.descending ? 'DESC' : 'ASC'} LIMIT @top OFFSET @skip`,
      )
      .raw();
    archiveStatements.set(shape, statement);
    return statement;
  }
  function searchSessions(query: ArchiveQuery): SessionRecord[] {
    const text = query.text;
    const textKind = text === undefined ? '' : likeFinds(text) ? 'like' : 'fold';
    const values: Record<string, unknown> = { top: query.top, skip: query.skip };
    if (query.topicId !== undefined) values.topicId = query.topicId;
    if (query.status !== undefined) values.status = query.status;
    if (query.visibleTo) {
      values.agentId = query.visibleTo.agentId;
      query.visibleTo.topicIds.forEach((id, i) => (values[`topic${i}`] = id));
    }
    if (text !== undefined) {
      values.like = textKind === 'like' ? anywhere(text) : anywhere(...text.split(/[^\x00-\x7f]+/));
      if (textKind === 'fold') values.folded = anywhere(fold(text));
    }
    return (archiveStatement(query, textKind).all(values) as unknown[][]).map(toSession);
  }

  // The condition is part of the statement: two writers that read the same version cannot both win.
  const updateSession = db.prepare(
    `UPDATE chat_session SET ${updateColumns.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ? AND updated_at = ?`,
  );
  const sessionExists = db.prepare('SELECT 1 FROM chat_session WHERE id = ?').pluck();
  const deleteSession = db.prepare('DELETE FROM chat_session WHERE id = ?');

  const selectTopic = db.prepare(`SELECT ${list(topicColumns)} FROM chat_topic WHERE id = ?`).raw();
  const selectTopics = db.prepare(`SELECT ${list(topicColumns)} FROM chat_topic ORDER BY id`).raw();
  const selectTopicRules = db
    .prepare(`SELECT ${list(columns.topicRules)} FROM chat_topic WHERE id = ?`)
    .raw();
  const toRules = reader<TopicRules>(columns.topicRules);
  const insertTopic = db.prepare(`INSERT INTO chat_topic (${list(topicWriteColumns)}) VALUES (${marks(topicWriteColumns)})`);
  const updateTopic = db.prepare(`UPDATE chat_topic SET ${topicWriteColumns.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`);
  const deleteTopic = db.prepare('DELETE FROM chat_topic WHERE id = ?');
  const topicInUse = db.prepare('SELECT 1 FROM chat_session WHERE topic_id = ? LIMIT 1').pluck();
  const selectTopicAllowing = db
    .prepare("SELECT 1 FROM chat_topic WHERE instr(' ' || allowed_origins || ' ', ' ' || @origin || ' ') > 0 AND @origin <> '' LIMIT 1")
    .pluck();

  // User names are unique regardless of case. The column's NOCASE folds ASCII only, so names
  // with other letters (Åse, åse) are compared by this fold, which JavaScript does for all.
  db.function('chatline_fold', { deterministic: true }, (text) => (typeof text === 'string' ? fold(text) : text));
  const messageWriteColumns = messageColumns.filter((c) => c.key !== 'id');
  const insertMessage = db
    .prepare(`INSERT INTO chat_message (${list(messageWriteColumns)}) VALUES (${marks(messageWriteColumns)}) RETURNING id`)
    .pluck();
  const selectMessages = db
    .prepare(`SELECT ${list(messageColumns)} FROM chat_message WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?`)
    .raw();
  const selectMessageRange = db
    .prepare(`SELECT ${list(messageColumns)} FROM chat_message WHERE session_id = ? AND id BETWEEN ? AND ? ORDER BY id`)
    .raw();
  const markRead = db.prepare(
    `UPDATE chat_message SET read_by_customer = 1
     WHERE session_id = ? AND id <= ? AND type = ${ChatMessageType.ToCustomer} AND read_by_customer = 0`,
  );
  const selectLastRead = db
    .prepare(`SELECT coalesce(max(id), 0) FROM chat_message WHERE session_id = ? AND type = ${ChatMessageType.ToCustomer} AND read_by_customer <> 0`)
    .pluck();
  const selectIdempotency = db.prepare('SELECT first_message_id, last_message_id FROM chat_idempotency WHERE session_id = ? AND key = ?').raw();
  const insertIdempotency = db.prepare(
    'INSERT INTO chat_idempotency (session_id, key, first_message_id, last_message_id, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  // The waiting sessions of the topic requested before this one: a range of the (topic, status) index.
  const selectQueueAhead = db
    .prepare(`SELECT count(*) FROM chat_session WHERE topic_id = ? AND status = ${ChatSessionStatus.InQueue} AND id < ?`)
    .pluck();
  const selectWaitingIds = db
    .prepare(`SELECT id FROM chat_session WHERE topic_id = ? AND status = ${ChatSessionStatus.InQueue} ORDER BY id`)
    .pluck();
  // A change writes only the columns whose values it changes: the indexes, foreign keys and
  // triggers of the others are left alone (a message changes LastMessage, WhenIdle, UpdatedAt,
  // and Status only when the other side wrote last). One statement for each set of columns.
  const changeStatements = new Map<string, Database.Statement>();
  function changeRow(id: number, before: SessionRecord, after: SessionRecord) {
    const columns: Column[] = [];
    const values: unknown[] = [];
    let key = '';
    for (const column of updateColumns) {
      const next = after[column.key as keyof SessionRecord];
      const previous = before[column.key as keyof SessionRecord];
      if (next === previous) continue;
      const value = column.encode(next);
      if (value === column.encode(previous)) continue;
      columns.push(column);
      values.push(value);
      key += `${column.name},`;
    }
    if (columns.length === 0) return;
    let statement = changeStatements.get(key);
    if (!statement) {
      statement = db.prepare(`UPDATE chat_session SET ${columns.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`);
      changeStatements.set(key, statement);
    }
    values.push(id);
    statement.run(values);
  }
  const selectRanks = db
    .prepare(`SELECT rank FROM chat_session WHERE user_id = ? AND id <> ? AND status IN (${ChatSessionStatus.CustomerLast}, ${ChatSessionStatus.UserLast})`)
    .pluck();

  /** Inserts the session's messages, in order; inside a write transaction. */
  const addMessages = (sessionId: number, drafts: readonly MessageDraft[]): MessageRecord[] =>
    drafts.map((draft) => {
      const message = { id: 0, sessionId, ...draft };
      message.id = insertMessage.get(valuesOf(messageWriteColumns, message)) as number;
      return message;
    });

  const selectCreateKey = db.prepare('SELECT session_id FROM chat_create_key WHERE key = ?').pluck();
  const insertCreateKey = db.prepare('INSERT INTO chat_create_key (key, session_id, created_at) VALUES (?, ?, ?)');
  const insertSecret = db.prepare('INSERT INTO server_secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
  const selectSecret = db.prepare('SELECT value FROM server_secret WHERE name = ?').pluck();

  const insertAgent = db.prepare(
    `INSERT INTO associate (user_name, full_name, password_hash, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_name) DO NOTHING`,
  );
  const selectAgent = db.prepare(`SELECT ${list(agentColumns)} FROM associate WHERE id = ?`).raw();
  const selectAgentByName = db.prepare(`SELECT ${list(agentColumns)} FROM associate WHERE user_name = ?`).raw();
  const selectAgentByFold = db
    .prepare(`SELECT ${list(agentColumns)} FROM associate WHERE chatline_fold(user_name) = chatline_fold(?) ORDER BY id LIMIT 1`)
    .raw();
  /** By the index for an ASCII name; by the fold, over the (few) agents, for any other. */
  const agentNamed = (userName: string) =>
    one(ascii(userName) ? selectAgentByName.get(userName) : selectAgentByFold.get(userName), toAgent);
  const selectAgents = db.prepare(`SELECT ${list(agentColumns)} FROM associate ORDER BY id`).raw();
  const updatePassword = db.prepare('UPDATE associate SET password_hash = ? WHERE id = ?');
  const updatePresence = db.prepare('UPDATE associate SET chat_present = ? WHERE id = ?');
  const countOngoing = db
    .prepare(`SELECT count(*) FROM chat_session WHERE user_id = ? AND status IN (${ChatSessionStatus.CustomerLast}, ${ChatSessionStatus.UserLast})`)
    .pluck();
  const selectTopicAgents = db.prepare(`SELECT ${list(topicAgentColumns)} FROM chat_topic_agent WHERE topic_id = ? ORDER BY associate_id`).raw();
  const selectAgentTopics = db.prepare(`SELECT ${list(topicAgentColumns)} FROM chat_topic_agent WHERE associate_id = ? ORDER BY topic_id`).raw();
  const upsertTopicAgent = db.prepare(
    `INSERT INTO chat_topic_agent (${list(topicAgentColumns)}) VALUES (${marks(topicAgentColumns)})
     ON CONFLICT (topic_id, associate_id) DO UPDATE SET can_listen = excluded.can_listen, can_respond = excluded.can_respond,
       can_manage = excluded.can_manage, can_notify = excluded.can_notify`,
  );
  const deleteTopicAgent = db.prepare('DELETE FROM chat_topic_agent WHERE topic_id = ? AND associate_id = ?');
  const deleteTopicAgents = db.prepare('DELETE FROM chat_topic_agent WHERE topic_id = ?');
  const topicExists = db.prepare('SELECT 1 FROM chat_topic WHERE id = ?').pluck();
  const agentExists = db.prepare('SELECT 1 FROM associate WHERE id = ?').pluck();
  const setMember = (member: TopicAgentRecord) => {
    if (topicExists.get(member.topicId) === undefined || agentExists.get(member.agentId) === undefined) return false;
    upsertTopicAgent.run(valuesOf(topicAgentColumns, member));
    return true;
  };

  const replyColumns = columns.cannedReply;
  const toReply = reader<CannedReplyRecord>(replyColumns);
  const selectReplies = db.prepare(`SELECT ${list(replyColumns)} FROM chat_canned_reply WHERE topic_id = ? ORDER BY name_key, id`).raw();
  const selectReply = db.prepare(`SELECT ${list(replyColumns)} FROM chat_canned_reply WHERE id = ? AND topic_id = ?`).raw();
  const countReplies = db.prepare('SELECT count(*) FROM chat_canned_reply WHERE topic_id = ?').pluck();
  const replyNamed = db.prepare('SELECT id FROM chat_canned_reply WHERE topic_id = ? AND name_key = chatline_fold(?)').pluck();
  const insertReply = db.prepare('INSERT INTO chat_canned_reply (topic_id, name, name_key, text) VALUES (?, ?, chatline_fold(?), ?)');
  const updateReply = db.prepare('UPDATE chat_canned_reply SET name = ?, name_key = chatline_fold(?), text = ? WHERE id = ? AND topic_id = ?');
  const deleteReply = db.prepare('DELETE FROM chat_canned_reply WHERE id = ? AND topic_id = ?');

  const insertCredential = db.prepare(`INSERT INTO credential (${list(credentialColumns)}) VALUES (${marks(credentialColumns)})`);
  const selectCredential = db
    .prepare(
      `SELECT ${list(credentialColumns)} FROM credential
       WHERE secret_hash = ? AND kind = ? AND (expires_at IS NULL OR expires_at > ?)`,
    )
    .raw();
  const selectAnyCredential = db.prepare(`SELECT ${list(credentialColumns)} FROM credential WHERE secret_hash = ?`).raw();
  const deleteCredential = db.prepare('DELETE FROM credential WHERE secret_hash = ?');
  const touchCredential = db.prepare('UPDATE credential SET last_used_at = ? WHERE secret_hash = ?');
  const touchFetched = db.prepare('UPDATE chat_session SET when_fetched = ? WHERE id = ? AND (when_fetched IS NULL OR when_fetched < ?)');
  /** Statements that take a list of topics, by their number. */
  const byTopicCount = new Map<string, Database.Statement>();
  const topicsStatement = (name: string, count: number, text: (topics: string) => string) => {
    const shape = `${name}:${count}`;
    let statement = byTopicCount.get(shape);
    if (!statement) byTopicCount.set(shape, (statement = db.prepare(text(Array(count).fill('?').join(', '))).raw()));
    return statement;
  };
  const selectAverageWait = db
    .prepare(
      `SELECT avg(when_started - when_requested) FROM (SELECT when_started, when_requested FROM chat_session
       WHERE topic_id = ? AND when_started IS NOT NULL ORDER BY when_started DESC LIMIT ?)`,
    )
    .pluck();
  const selectAgentCredentials = db
    .prepare(
      `SELECT ${list(credentialColumns)} FROM credential
       WHERE associate_id = ? AND kind = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at, secret_hash`,
    )
    .raw();
  const deleteAgentCredentials = db.prepare('DELETE FROM credential WHERE associate_id = ? AND kind = ?');
  const deleteAgentTickets = db.prepare('DELETE FROM stream_ticket WHERE associate_id = ?');
  const markRemoved = db.prepare('UPDATE associate SET deleted = 1, chat_present = 0 WHERE id = ? AND deleted = 0');
  const deleteMemberships = db.prepare('DELETE FROM chat_topic_agent WHERE associate_id = ?');

  const countColumns = columns.signInCount;
  const toCount = reader<SignInCount>(countColumns);
  const noCount: SignInCount = { failures: 0, since: 0, lastFailureAt: null, pending: 0, pendingAt: null, lastSuccessAt: null };
  const selectCount = db.prepare(`SELECT ${list(countColumns)} FROM sign_in_count WHERE account = ? AND address = ?`).raw();
  const upsertCount = db.prepare(
    `INSERT INTO sign_in_count (account, address, ${list(countColumns)}) VALUES (?, ?, ${marks(countColumns)})
     ON CONFLICT (account, address) DO UPDATE SET ${countColumns.map((c) => `${c.name} = excluded.${c.name}`).join(', ')}`,
  );
  const deleteStaleCounts = db.prepare(
    'DELETE FROM sign_in_count WHERE coalesce(last_failure_at, 0) < @before AND coalesce(last_success_at, 0) < @before AND coalesce(pending_at, 0) < @before AND since < @before',
  );
  const eventColumns = columns.signInEvent;
  const toEvent = reader<SignInEventRecord>(eventColumns);
  const lastEvent = db.prepare('SELECT id, kind, method, address FROM sign_in_event WHERE associate_id = ? ORDER BY id DESC LIMIT 1');
  const countEventAgain = db.prepare('UPDATE sign_in_event SET count = count + 1, at = ?, request_id = ? WHERE id = ?');
  const insertEvent = db.prepare(`INSERT INTO sign_in_event (${list(eventColumns)}) VALUES (${marks(eventColumns)})`);
  const trimEvents = db.prepare(
    `DELETE FROM sign_in_event WHERE associate_id = @agentId AND kind IN (${TRIMMED_KINDS})
       AND id <= (SELECT id FROM sign_in_event WHERE associate_id = @agentId AND kind IN (${TRIMMED_KINDS}) ORDER BY id DESC LIMIT 1 OFFSET ${SIGN_IN_EVENTS_KEPT})`,
  );
  const selectEvents = db.prepare(`SELECT ${list(eventColumns)} FROM sign_in_event WHERE associate_id = ? ORDER BY id DESC LIMIT ?`).raw();

  const ticketColumns = columns.streamTicket;
  const toTicket = reader<StreamTicketRecord>(ticketColumns);
  const insertTicket = db.prepare(`INSERT INTO stream_ticket (${list(ticketColumns)}) VALUES (${marks(ticketColumns)})`);
  const takeTicket = db.prepare(`DELETE FROM stream_ticket WHERE secret_hash = ? RETURNING ${list(ticketColumns)}`).raw();
  const deleteExpiredTickets = db.prepare('DELETE FROM stream_ticket WHERE expires_at <= ?');

  // One statement refills the bucket for the time since its last take and takes a token if
  // there is one. The SET's expressions all read the row as it was.
  const refilled = 'min(@perWindow, tokens + max(0, @now - at) * 1.0 / @msPerToken)';
  const takeToken = db
    .prepare(
      `INSERT INTO rate_bucket (key, tokens, at, allowed, expires_at) VALUES (@key, @perWindow - 1, @now, 1, @now + @windowMs)
       ON CONFLICT (key) DO UPDATE SET tokens = ${refilled} - (${refilled} >= 1), allowed = ${refilled} >= 1,
         at = max(at, @now), expires_at = max(at, @now) + @windowMs
       RETURNING tokens, allowed`,
    )
    .raw();
  const deleteRefilled = db.prepare('DELETE FROM rate_bucket WHERE expires_at < ?');
  let takes = 0;

  const one = <T>(values: unknown, read: (values: unknown[]) => T): T | null =>
    values === undefined ? null : read(values as unknown[]);
  const agent = (id: number | null) => (id === null ? null : one(selectAgent.get(id), toAgent));

  /**
   * What a session's draft refers to; `topics` keeps what was read in this transaction, and a
   * draft that names no agent (a visitor's) gets the same references as the others of its topic.
   */
  function references(draft: SessionDraft, topics?: Map<number, SessionReferences>): SessionReferences {
    const agents = draft.userId !== null || draft.transferToId !== null;
    let known = agents ? undefined : topics?.get(draft.topicId);
    if (known === undefined) {
      known = { topic: one(selectTopicRules.get(draft.topicId), toRules), user: agent(draft.userId), transferTo: agent(draft.transferToId) };
      if (!agents) topics?.set(draft.topicId, known);
    }
    return known;
  }

  // Group commit: the writes that arrive in one turn of the event loop are made in one
  // transaction after it, and each answered once that transaction is committed. A commit
  // writes every page it changed to the WAL (a session's, its indexes', a message's, the id
  // sequence's, the queue counter's), so a shared commit writes them once for the whole group:
  // under load, a commit for many creates and messages rather than one each.
  type Pending<T> = { resolve: (value: T) => void; reject: (error: unknown) => void; value?: T; error?: unknown };
  type PendingCreate = Pending<SessionRecord> & { draft: SessionDraft; check: SessionCheck; idempotencyKey: string | undefined };
  type PendingWrite = Pending<unknown> & { work: () => unknown };
  let creates: PendingCreate[] = [];
  let writes: PendingWrite[] = [];
  /** One write on its own: what it changed is undone if it throws, and the group goes on. */
  const alone = db.transaction((work: () => unknown) => work());
  const commitGroup = db.transaction((createGroup: PendingCreate[], writeGroup: PendingWrite[]) => {
    // While the group's transaction holds the write lock no topic can change, so its creates
    // read each topic's rules once.
    const topics = new Map<number, SessionReferences>();
    for (const create of createGroup) {
      try {
        if (create.idempotencyKey !== undefined) {
          const earlier = selectCreateKey.get(create.idempotencyKey) as number | undefined;
          if (earlier !== undefined) {
            create.value = toSession(selectSession.get(earlier) as unknown[]);
            continue;
          }
        }
        create.check(references(create.draft, topics));
        const values = valuesOf(insertColumns, create.draft);
        values.push(create.draft.topicId);
        const [id, position] = insertSession.get(values) as [number, number];
        // The draft becomes the stored record: its shape already has both members.
        const session = create.draft as SessionRecord;
        session.id = id;
        session.initialQueuePos = position;
        create.value = session;
        if (create.idempotencyKey !== undefined) insertCreateKey.run(create.idempotencyKey, id, session.updatedAt);
      } catch (error) {
        // A failed statement undoes itself only; should SQLite have ended the whole transaction
        // (a full disk, an I/O error), every write of the group fails with it.
        if (!db.inTransaction) throw error;
        create.error = error;
      }
    }
    for (const write of writeGroup) {
      try {
        write.value = alone(write.work);
      } catch (error) {
        if (!db.inTransaction) throw error;
        write.error = error;
      }
    }
  });
  const settle = <T>(pending: Pending<T>, groupError: unknown) => {
    if (groupError !== undefined) pending.reject(groupError);
    else if (pending.error !== undefined) pending.reject(pending.error);
    else pending.resolve(pending.value as T);
  };
  /** A group of one write needs no savepoint of its own: if it throws, its transaction is undone whole. */
  const commitOne = db.transaction((write: PendingWrite) => {
    write.value = write.work();
  });
  const commitPending = () => {
    if (creates.length === 0 && writes.length === 0) return;
    const createGroup = creates;
    const writeGroup = writes;
    creates = [];
    writes = [];
    let groupError: unknown;
    try {
      if (createGroup.length === 0 && writeGroup.length === 1) commitOne.immediate(writeGroup[0]!);
      else commitGroup.immediate(createGroup, writeGroup);
    } catch (error) {
      // Nothing of the group was committed.
      groupError = busyOr(error);
    }
    for (const create of createGroup) settle(create, groupError);
    for (const write of writeGroup) settle(write, groupError);
  };
  const enqueue = () => {
    if (creates.length + writes.length === 1) setImmediate(commitPending);
  };

  /** Runs a synchronous write in the next group's IMMEDIATE transaction, which holds the write lock from its start. */
  const write = <T>(work: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      writes.push({ work, resolve: resolve as (value: unknown) => void, reject });
      enqueue();
    });
  const read = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(busyOr(error));
    }
  };

  let closed: Promise<void> | null = null;

  return {
    createSession: (draft, check, { idempotencyKey } = {}) =>
      new Promise((resolve, reject) => {
        creates.push({ draft, check, idempotencyKey, resolve, reject });
        enqueue();
      }),
    sessionCreatedWith: (idempotencyKey) =>
      read(() => {
        const id = selectCreateKey.get(idempotencyKey) as number | undefined;
        return id === undefined ? null : one(selectSession.get(id), toSession);
      }),
    serverSecret: (name) =>
      write(() => {
        insertSecret.run(name, randomBytes(32).toString('base64url'));
        return selectSecret.get(name) as string;
      }),
    getSession: (id) => read(() => one(selectSession.get(id), toSession)),
    listSessions: ({ topicId, status, topicIds, statuses, userId, transferToId, skip, top }) =>
      read(() => {
        if (topicIds !== undefined || statuses !== undefined || userId !== undefined || transferToId !== undefined) {
          // Lists of ids and statuses: one statement per shape, kept for the next of that shape.
          const topics = topicId !== undefined ? [topicId, ...(topicIds ?? [])] : topicIds;
          const states = status !== undefined ? [status, ...(statuses ?? [])] : statuses;
          if (topics?.length === 0 || states?.length === 0) return [];
          const where = [
            topics ? `topic_id IN (${topics.map(() => '?').join(', ')})` : '',
            states ? `status IN (${states.map(() => '?').join(', ')})` : '',
            userId !== undefined ? 'user_id = ?' : '',
            transferToId !== undefined ? 'transfer_to_id = ?' : '',
          ].filter(Boolean);
          const shape = `${topics?.length ?? '-'}:${states?.length ?? '-'}:${userId !== undefined}:${transferToId !== undefined}`;
          let statement = sessionListsByShape.get(shape);
          if (!statement) sessionListsByShape.set(shape, (statement = selectSessions(`WHERE ${where.join(' AND ')}`)));
          const values = [
            ...(topics ?? []),
            ...(states ?? []),
            ...(userId !== undefined ? [userId] : []),
            ...(transferToId !== undefined ? [transferToId] : []),
            top,
            skip,
          ];
          return (statement.all(...values) as unknown[][]).map(toSession);
        }
        const rows =
          topicId !== undefined && status !== undefined
            ? sessionLists.topicStatus.all(topicId, status, top, skip)
            : topicId !== undefined
              ? sessionLists.topic.all(topicId, top, skip)
              : status !== undefined
                ? sessionLists.status.all(status, top, skip)
                : sessionLists.all.all(top, skip);
        return (rows as unknown[][]).map(toSession);
      }),
    searchSessions: (query) => read(() => searchSessions(query)),
    updateSession: (id, draft, { expectedUpdatedAt, check, messages = [] }) =>
      write(() => {
        check(references(draft));
        const values = valuesOf(updateColumns, draft);
        values.push(id, expectedUpdatedAt);
        if (updateSession.run(values).changes === 0) {
          return sessionExists.get(id) === undefined ? { outcome: 'missing' as const } : { outcome: 'changed' as const };
        }
        return { outcome: 'updated' as const, session: toSession(selectSession.get(id) as unknown[]), messages: addMessages(id, messages) };
      }),
    changeSession: (id, decide, { idempotencyKey, ranksOf } = {}) =>
      write(() => {
        const session = one(selectSession.get(id), toSession);
        if (!session) return { outcome: 'missing' as const };
        if (idempotencyKey !== undefined) {
          const used = selectIdempotency.get(id, idempotencyKey) as [number, number] | undefined;
          if (used) {
            const messages = (selectMessageRange.all(id, used[0], used[1]) as unknown[][]).map(toMessage);
            return { outcome: 'replayed' as const, session, messages };
          }
        }
        const agentRanks = ranksOf === undefined ? [] : (selectRanks.all(ranksOf, id) as number[]);
        const change = decide({ session, agentRanks });
        const next = { ...session, ...change.session } as SessionRecord;
        next.updatedAt = Math.max(next.updatedAt, session.updatedAt + 1);
        changeRow(id, session, next);
        const messages = addMessages(id, change.messages ?? []);
        if (idempotencyKey !== undefined) {
          insertIdempotency.run(id, idempotencyKey, messages[0]?.id ?? 0, messages.at(-1)?.id ?? 0, next.updatedAt);
        }
        // Nothing but this statement writes the row: it is stored as it was written.
        return { outcome: 'changed' as const, session: next, messages };
      }),
    waitingSessionIds: (topicId) => read(() => selectWaitingIds.all(topicId) as number[]),
    queuePosition: (sessionId) =>
      read(() => {
        const session = one(selectSession.get(sessionId), toSession);
        if (!session || session.status !== ChatSessionStatus.InQueue) return null;
        return (selectQueueAhead.get(session.topicId, sessionId) as number) + 1;
      }),
    messagesAfter: (after, { topicIds, agentId }, limit) =>
      read(() => {
        const shape = topicIds.length;
        let statement = messagesAfterByShape.get(shape);
        if (!statement) {
          const inTopics = shape === 0 ? '0' : `s.topic_id IN (${topicIds.map(() => '?').join(', ')})`;
          statement = db
            .prepare(
              `SELECT ${messageColumns.map((c) => `m.${c.name}`).join(', ')} FROM chat_message m JOIN chat_session s ON s.id = m.session_id
               WHERE m.id > ? AND (${inTopics} OR s.user_id = ? OR s.transfer_to_id = ?) ORDER BY m.id LIMIT ?`,
            )
            .raw();
          messagesAfterByShape.set(shape, statement);
        }
        return (statement.all(after, ...topicIds, agentId, agentId, limit) as unknown[][]).map(toMessage);
      }),
    lastMessageId: () => read(() => selectLastMessageId.get() as number),
    markReadByCustomer: (sessionId, upTo) =>
      write(() => {
        if (sessionExists.get(sessionId) === undefined) return null;
        const { changes } = markRead.run(sessionId, upTo);
        return { marked: changes, lastRead: selectLastRead.get(sessionId) as number };
      }),
    listMessages: (sessionId, after, limit) =>
      read(() => (selectMessages.all(sessionId, after, limit) as unknown[][]).map(toMessage)),
    deleteSession: (id) =>
      write(() => {
        const session = one(selectSession.get(id), toSession);
        if (session) deleteSession.run(id);
        return session;
      }),

    getTopic: (id) => read(() => one(selectTopic.get(id), toTopic)),
    listTopics: () => read(() => (selectTopics.all() as unknown[][]).map(toTopic)),
    anyTopicAllows: (origin) => read(() => selectTopicAllowing.get({ origin }) !== undefined),
    createTopic: (draft) =>
      write(() => toTopic(selectTopic.get(insertTopic.run(valuesOf(topicWriteColumns, draft)).lastInsertRowid) as unknown[])),
    updateTopic: (id, draft) =>
      write(() => (updateTopic.run([...valuesOf(topicWriteColumns, draft), id]).changes > 0 ? toTopic(selectTopic.get(id) as unknown[]) : null)),
    deleteTopic: (id) =>
      write(() => {
        if (topicInUse.get(id) !== undefined) return 'in_use' as const;
        return deleteTopic.run(id).changes > 0 ? ('deleted' as const) : ('missing' as const);
      }),

    createAgent: (draft) =>
      write(() => {
        if (selectAgentByFold.get(draft.userName) !== undefined) return null;
        const { changes, lastInsertRowid } = insertAgent.run(draft.userName, draft.fullName, draft.passwordHash, draft.createdAt);
        return changes > 0 ? toAgent(selectAgent.get(lastInsertRowid) as unknown[]) : null;
      }),
    getAgent: (id) => read(() => agent(id)),
    findAgent: (userName) => read(() => agentNamed(userName)),
    listAgents: () => read(() => (selectAgents.all() as unknown[][]).map(toAgent)),
    setPassword: (id, passwordHash) => write(() => updatePassword.run(passwordHash, id).changes > 0),
    setPresence: (id, present) => write(() => updatePresence.run(present ? 1 : 0, id).changes > 0),
    ongoingChats: (agentId) => read(() => countOngoing.get(agentId) as number),
    listTopicAgents: (topicId) => read(() => (selectTopicAgents.all(topicId) as unknown[][]).map(toTopicAgent)),
    agentTopics: (agentId) => read(() => (selectAgentTopics.all(agentId) as unknown[][]).map(toTopicAgent)),
    setTopicAgent: (member) => write(() => setMember(member)),
    removeTopicAgent: (topicId, agentId) => write(() => deleteTopicAgent.run(topicId, agentId).changes > 0),
    replaceTopicAgents: (topicId, members) =>
      write(() => {
        if (topicExists.get(topicId) === undefined) return false;
        deleteTopicAgents.run(topicId);
        for (const member of members) {
          if (!setMember({ ...member, topicId })) throw new Refused();
        }
        return true;
      }).catch((error) => {
        if (error instanceof Refused) return false;
        throw error;
      }),

    listCannedReplies: (topicId) => read(() => (selectReplies.all(topicId) as unknown[][]).map(toReply)),
    // The count, the name and the insert in one write transaction: two managers adding at once cannot pass the limit.
    createCannedReply: (topicId, { name, text }, { limit }) =>
      write((): CannedReplyWrite => {
        if (topicExists.get(topicId) === undefined) return { outcome: 'missing' };
        if (replyNamed.get(topicId, name) !== undefined) return { outcome: 'taken' };
        if ((countReplies.get(topicId) as number) >= limit) return { outcome: 'full' };
        const id = Number(insertReply.run(topicId, name, name, text).lastInsertRowid);
        return { outcome: 'saved', reply: { id, topicId, name, text } };
      }),
    updateCannedReply: (topicId, id, { name, text }) =>
      write(() => {
        if (selectReply.get(id, topicId) === undefined) return { outcome: 'missing' as const };
        const named = replyNamed.get(topicId, name) as number | undefined;
        if (named !== undefined && named !== id) return { outcome: 'taken' as const };
        updateReply.run(name, name, text, id, topicId);
        return { outcome: 'saved' as const, reply: { id, topicId, name, text } };
      }),
    deleteCannedReply: (topicId, id) => write(() => deleteReply.run(id, topicId).changes > 0),

    addCredential: (credential, holder) =>
      write(() => {
        const agent = one(selectAgent.get(credential.agentId), toAgent);
        if (!agent || agent.deleted || (holder && agent.passwordHash !== holder.passwordHash)) return false;
        insertCredential.run(valuesOf(credentialColumns, credential));
        return true;
      }),
    findCredential: (secretHash, kind, now) => read(() => one(selectCredential.get(secretHash, kind, now), toCredential)),
    deleteCredential: (secretHash) =>
      write(() => {
        const credential = one(selectAnyCredential.get(secretHash), toCredential);
        if (credential) deleteCredential.run(secretHash);
        return credential;
      }),

    touchCredential: (secretHash, at) => write(() => void touchCredential.run(at, secretHash)),
    touchFetched: (ids, at, staleBefore) =>
      ids.length === 0 ? Promise.resolve() : write(() => ids.forEach((id) => touchFetched.run(at, id, staleBefore))),
    listRequests: ({ topicIds, handled, top }) =>
      read(() => {
        if (topicIds.length === 0) return [];
        const statement = topicsStatement(
          `requests:${handled}`,
          topicIds.length,
          (topics) =>
            `SELECT ${list(sessionColumns)} FROM chat_session WHERE request_left_at IS NOT NULL AND topic_id IN (${topics})
             AND request_handled_at IS ${handled ? 'NOT ' : ''}NULL ORDER BY request_left_at DESC LIMIT ?`,
        );
        return (statement.all(...topicIds, top) as unknown[][]).map(toSession);
      }),
    ratingSummary: ({ topicIds, agentId, recent }) =>
      read(() => {
        if (topicIds.length === 0 && agentId === undefined) return { topics: [], agents: [], recent: [] };
        const mine = agentId === undefined ? '' : 'AND user_id = ?';
        const where = (topics: string) => `WHERE rating > 0 AND topic_id IN (${topics || 'NULL'}) ${mine}`;
        const args = agentId === undefined ? topicIds : [...topicIds, agentId];
        const count = (by: string) =>
          (topicsStatement(`ratings:${by}:${mine}`, topicIds.length, (topics) => `SELECT ${by}, avg(rating), count(*) FROM chat_session ${where(topics)} AND ${by} IS NOT NULL GROUP BY ${by} ORDER BY ${by}`).all(...args) as [number, number, number][]).map(
            ([id, average, n]) => ({ id, average, count: n }),
          );
        const latest = topicsStatement(`ratings:recent:${mine}`, topicIds.length, (topics) => `SELECT ${list(sessionColumns)} FROM chat_session ${where(topics)} ORDER BY when_rated DESC, id DESC LIMIT ?`);
        return { topics: count('topic_id'), agents: count('user_id'), recent: (latest.all(...args, recent) as unknown[][]).map(toSession) };
      }),
    averageWait: (topicId, last) => read(() => (selectAverageWait.get(topicId, last) as number | null) ?? null),
    listCredentials: (agentId, kind, now) => read(() => (selectAgentCredentials.all(agentId, kind, now) as unknown[][]).map(toCredential)),
    revokeCredentials: (agentId, kinds) =>
      write(() => {
        deleteAgentTickets.run(agentId);
        return kinds.reduce((removed, kind) => removed + deleteAgentCredentials.run(agentId, kind).changes, 0);
      }),
    removeAgent: (id) =>
      write(() => {
        const before = agent(id);
        if (!before || markRemoved.run(id).changes === 0) return null;
        deleteMemberships.run(id);
        deleteAgentTickets.run(id);
        for (const kind of ['token', 'ticket', 'session']) deleteAgentCredentials.run(id, kind);
        return before;
      }),
    guardSignIn: (account, address, decide) =>
      write(() => {
        const count = (at: string) => one(selectCount.get(account, at), toCount) ?? { ...noCount };
        const after = decide({ fromAddress: count(address), fromAnywhere: count('') });
        if (!after) return;
        upsertCount.run(account, address, ...valuesOf(countColumns, after.fromAddress));
        upsertCount.run(account, '', ...valuesOf(countColumns, after.fromAnywhere));
      }),
    forgetSignIns: (before) => write(() => void deleteStaleCounts.run({ before })),
    addSignInEvent: (event) =>
      write(() => {
        const last = lastEvent.get(event.agentId) as { id: number; kind: string; method: string | null; address: string | null } | undefined;
        if (last && sameEventAgain(last, event)) {
          countEventAgain.run(event.at, event.requestId, last.id);
          return;
        }
        insertEvent.run(valuesOf(eventColumns, { ...event, count: 1 }));
        trimEvents.run({ agentId: event.agentId });
      }),
    listSignInEvents: (agentId, limit) => read(() => (selectEvents.all(agentId, limit) as unknown[][]).map(toEvent)),

    addStreamTicket: (ticket) => write(() => void insertTicket.run(valuesOf(ticketColumns, ticket))),
    takeStreamTicket: (secretHash, now) =>
      write(() => {
        const ticket = one(takeTicket.get(secretHash), toTicket);
        // Tickets live a minute: those nobody used go with the next one taken.
        deleteExpiredTickets.run(now);
        return ticket && ticket.expiresAt > now ? ticket : null;
      }),
    takeRateToken: (key, { perWindow, windowMs }, now) =>
      write(() => {
        const msPerToken = windowMs / perWindow;
        const [tokens, allowed] = takeToken.get({ key, perWindow, windowMs, now, msPerToken }) as [number, number];
        // A bucket that has refilled behaves as a new one would: those are forgotten now and then.
        if (++takes % 256 === 0) deleteRefilled.run(now);
        return allowed ? 0 : Math.max(1, Math.ceil(((1 - tokens) * msPerToken) / 1000));
      }),

    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        commitPending();
        db.close();
        resolve();
      })),
  };
}
