/**
 * The ChatStore on PostgreSQL through node-postgres (`pg`), for several server processes on
 * one database. All SQL and every PostgreSQL encoding (JSON text, 64-bit numbers, arrays) stay
 * in this folder; the records it answers are the interface's. Every write is one transaction
 * on a connection of the pool; rows it decides from are locked (`FOR UPDATE`) in it, so a
 * change made from another process cannot come in between.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ChatMessageType, ChatSessionStatus } from '@chatline/shared';
import { fold, jsonText, list, reader, recordColumns, valuesOf, type Column } from '../columns.ts';
import { migrationsFolder, pendingMigrations, readMigrations, type Migration } from '../migrations.ts';
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
  type ChangeOptions,
  type ChangeOutcome,
  type SessionCheck,
  type SessionDecision,
  type SessionDraft,
  type SessionRecord,
  type SessionReferences,
  type SignInCount,
  type SignInEventRecord,
  SIGN_IN_EVENTS_KEPT,
  TRIMMED_SIGN_IN_KINDS,
  sameEventAgain,
  type StreamTicketRecord,
  type TopicAgentRecord,
  type TopicRecord,
  type TopicRules,
} from '../types.ts';

const TRIMMED_KINDS = TRIMMED_SIGN_IN_KINDS.map((kind) => `'${kind}'`).join(', ');


export const migrationsDir = migrationsFolder(import.meta.url, 'postgres');

export type PostgresOptions = {
  /** The most connections this process opens. */
  maxConnections?: number;
  /** Milliseconds to wait for a connection before the store reports itself busy. */
  connectTimeoutMs?: number;
  /**
   * Milliseconds a statement waits for a row another transaction holds before the store
   * reports itself busy (PostgreSQL's lock_timeout).
   */
  lockTimeoutMs?: number;
  /** Told of a connection that failed while idle (the database restarted): the pool replaces it. */
  onIdleError?: (error: Error) => void;
};

/** 64-bit integers (times in milliseconds, message ids) as numbers: every value the store keeps is below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** The SQL type of a column of this kind, for parameters that no target column types. */
const sqlType = (column: Column): string =>
  column.kind === 'bool' ? 'boolean' : column.kind === 'datetime' ? 'bigint' : column.kind === 'string' || column.kind === 'reference' || column.kind === 'timezone' ? 'text' : 'integer';

// PostgreSQL keeps booleans, arrays and 64-bit times as they are; CRM references as JSON text.
const columns = recordColumns({ reference: jsonText });
const sessionColumns = columns.session;
const topicColumns = columns.topic;
const agentColumns = columns.agent;
const topicAgentColumns = columns.topicAgent;
const messageColumns = columns.message;
const credentialColumns = columns.credential;
const ticketColumns = columns.streamTicket;
const replyColumns = columns.cannedReply;
const toTicket = reader<StreamTicketRecord>(ticketColumns);

/** `$from, $from+1, …`: one placeholder per column. */
const marks = (columns: readonly Column[], from = 1) => columns.map((_, i) => `$${from + i}`).join(', ');

const toSession = reader<SessionRecord>(sessionColumns);
const toTopic = reader<TopicRecord>(topicColumns);
const toAgent = reader<AgentRecord>(agentColumns);
const toCredential = reader<CredentialRecord>(credentialColumns);
const countColumns = columns.signInCount;
const toCount = reader<SignInCount>(countColumns);
const eventColumns = columns.signInEvent;
const toEvent = reader<SignInEventRecord>(eventColumns);
const toMessage = reader<MessageRecord>(messageColumns);
const toTopicAgent = reader<TopicAgentRecord>(topicAgentColumns);
const toReply = reader<CannedReplyRecord>(replyColumns);
const toRules = reader<TopicRules>(columns.topicRules);

const topicWriteColumns = topicColumns.filter((c) => c.key !== 'id');
const insertColumns = sessionColumns.filter((c) => c.key !== 'id' && c.key !== 'initialQueuePos');
const updateColumns = insertColumns.filter((c) => !['customerHost', 'whenRequested', 'sessionKeyHash'].includes(c.key));
const messageWriteColumns = messageColumns.filter((c) => c.key !== 'id');

/** LIKE's pattern for text anywhere in a value: `%`, `_` and the escape are text like any other. */
const anywhere = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** SQLSTATEs of a transaction that lost a race and may simply run again. */
const RETRY = new Set(['40001', '40P01']);
/**
 * Whether the transaction lost a race and may run again: a deadlock, a serialization failure,
 * or a change whose idempotency key another transaction recorded while this one waited for
 * the session's row (the statement that took the lock read the keys as they were before);
 * run again, it finds the key and answers that change.
 */
function retryable(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return RETRY.has(code ?? '') || (code === '23505' && constraint === 'chat_idempotency_pkey');
}
/** Errors that say the database cannot be reached now, or not in time, rather than that the request is wrong. */
const UNREACHABLE_CODES = new Set(['55P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);
function unreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
}
const busyOr = (error: unknown) => (unreachable(error) ? new StoreBusyError(error) : error);

type Queryable = Pick<pg.ClientBase, 'query'>;
/**
 * Runs a statement, prepared once per connection under a name of its own; `once` for a text
 * that is seldom the same twice (a group's messages), which is not kept.
 */
type Run = (text: string, values?: unknown[], once?: boolean) => Promise<unknown[][]>;

/** What a create answers when another create with its idempotency key committed first. */
const CONFLICT = Symbol('conflict');

/** What a change in a group answers when it is to be made alone, after the group. */
const LATER = Symbol('later');

/** Thrown inside a group to have its writes made again, each in a transaction of its own. */
class GoAlone extends Error {}

/** A change's messages and idempotency key, stored with the rest of its transaction's at its end. */
type TailEntry = { sessionId: number; drafts: readonly MessageDraft[]; key: string | undefined; updatedAt: number; messages: MessageRecord[] };
type Tail = TailEntry[];

/** Thrown inside a transaction to undo it all and answer what it carries. */
class Undo<T> extends Error {
  constructor(readonly value: T) {
    super('undone');
  }
}

/** Applies the migrations not yet recorded, in order, and records them; refuses a database from the future. */
export async function migratePostgres(client: Queryable, migrations: readonly Migration[]): Promise<number> {
  await client.query('BEGIN');
  try {
    // Servers starting together take turns: the second finds the work done.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('chatline.migrations'))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at bigint NOT NULL
    )`);
    const { rows } = await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migration ORDER BY version');
    const pending = pendingMigrations(rows, migrations);
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
    }
    await client.query('COMMIT');
    return pending.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Connects to the database at `url`, brings its schema up to date, and answers the store. */
export async function openPostgresStore(
  url: string,
  { maxConnections = 10, connectTimeoutMs = 5000, lockTimeoutMs = 5000, onIdleError = () => {} }: PostgresOptions = {},
): Promise<ChatStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    // A transaction whose process vanished (its host gone without a word) would hold its
    // locks until TCP gave up, hours later: the database ends it after half a minute.
    options: `-c lock_timeout=${Math.trunc(lockTimeoutMs)} -c idle_in_transaction_session_timeout=30000`,
    keepAlive: true,
    types,
  });
  // A connection that breaks while idle (the database restarted) is dropped by the pool and
  // reported here; without a listener it would end the process.
  pool.on('error', onIdleError);
  // One that breaks while a request has it fails that request's query, which is answered;
  // its 'error' event must still have a listener, or it would end the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, readMigrations(migrationsDir));
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw busyOr(error);
  }
  return postgresStore(pool);
}

function postgresStore(pool: pg.Pool): ChatStore {
  const names = new Map<string, string>();
  const statement = (text: string, values: unknown[] | undefined, once = false) => {
    if (once) return { text, values, rowMode: 'array' as const };
    let name = names.get(text);
    if (name === undefined) names.set(text, (name = `chatline_${names.size}`));
    return { name, text, values, rowMode: 'array' as const };
  };
  const runOn =
    (client: Queryable): Run =>
    async (text, values, once) =>
      (await client.query<unknown[]>(statement(text, values, once))).rows;

  /** A statement on any connection of the pool, outside a transaction. */
  const read: Run = async (text, values) => {
    try {
      return (await pool.query<unknown[]>(statement(text, values))).rows;
    } catch (error) {
      throw busyOr(error);
    }
  };

  /** Runs `work` in one transaction, again when it lost a race (a deadlock, a serialization failure). */
  async function transaction<T>(work: (run: Run) => Promise<T>, { retry = true } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw busyOr(error);
      }
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await work(runOn(client));
        await client.query('COMMIT');
        return value;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (failure) {
          broken = failure as Error;
        }
        if (error instanceof Undo) return error.value as T;
        if (retry && retryable(error)) {
          if (attempt < 5) {
            await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * Math.random()));
            continue;
          }
          // Lost the race again and again: the database is too busy now.
          throw new StoreBusyError(error);
        }
        throw busyOr(error);
      } finally {
        client.release(broken);
      }
    }
  }

  const one = <T>(rows: unknown[][], decode: (values: unknown[]) => T): T | null => (rows.length === 0 ? null : decode(rows[0]!));

  const SELECT_SESSION = `SELECT ${list(sessionColumns)} FROM chat_session WHERE id = $1`;
  const SELECT_AGENT = `SELECT ${list(agentColumns)} FROM associate WHERE id = $1`;
  const agent = async (run: Run, id: number | null) => (id === null ? null : one(await run(SELECT_AGENT, [id]), toAgent));

  /** What a session's draft refers to, read in the write's transaction. */
  async function references(run: Run, draft: SessionDraft): Promise<SessionReferences> {
    // Locked until the commit (FOR SHARE): what the check read cannot change, nor go, before
    // the write is made; other writes that read them are not held up.
    const topic = one(
      await run(`SELECT ${list(columns.topicRules)} FROM chat_topic WHERE id = $1 FOR SHARE`, [draft.topicId]),
      toRules,
    );
    const named = async (id: number | null) => (id === null ? null : one(await run(`${SELECT_AGENT} FOR SHARE`, [id]), toAgent));
    return { topic, user: await named(draft.userId), transferTo: await named(draft.transferToId) };
  }

  /**
   * Stores the messages and idempotency keys of a transaction's changes, all in one statement,
   * as its last before the commit. Their ids come from the counter's row, which stays locked
   * until the commit: no message with a lower id can commit after them, so a reader that has
   * seen an id has seen every id below it. Taken last, the lock is held for this statement and
   * the commit only, however many changes the transaction (a group) made.
   */
  async function writeTail(run: Run, tail: Tail): Promise<void> {
    const total = tail.reduce((sum, entry) => sum + entry.drafts.length, 0);
    const keyed = tail.filter((entry) => entry.key !== undefined);
    if (total === 0 && keyed.length === 0) return;
    const values: unknown[] = [];
    const bind = (value: unknown, type: string) => `$${values.push(value)}::${type}`;
    const parts: string[] = [];
    // Each entry's messages take the next ids, in order: entry by entry, draft by draft.
    let k = 0;
    const offsets = tail.map((entry) => {
      const first = k + 1;
      k += entry.drafts.length;
      return { first, last: k };
    });
    if (total > 0) {
      parts.push(`c AS (UPDATE chat_counter SET value = value + ${total} WHERE name = 'message' RETURNING value)`);
      const names = messageWriteColumns.filter((c) => c.key !== 'sessionId').map((c) => c.name);
      const rows = tail.flatMap((entry, e) =>
        entry.drafts.map(
          (draft, d) =>
            `(${offsets[e]!.first + d}, ${bind(entry.sessionId, 'integer')}, ${messageWriteColumns
              .filter((c) => c.key !== 'sessionId')
              .map((c) => bind(c.encode((draft as Record<string, unknown>)[c.key]), sqlType(c)))
              .join(', ')})`,
        ),
      );
      parts.push(
        `m AS (INSERT INTO chat_message (id, session_id, ${names.join(', ')})
           SELECT c.value - ${total} + v.k, v.session_id, ${names.map((name) => `v.${name}`).join(', ')}
           FROM c, (VALUES ${rows.join(', ')}) AS v(k, session_id, ${names.join(', ')}))`,
      );
    }
    if (keyed.length > 0) {
      const rows = tail.flatMap((entry, e) =>
        entry.key === undefined
          ? []
          : [`(${bind(entry.sessionId, 'integer')}, ${bind(entry.key, 'text')}, ${entry.drafts.length > 0 ? offsets[e]!.first : 0}, ${entry.drafts.length > 0 ? offsets[e]!.last : 0}, ${bind(entry.updatedAt, 'bigint')})`],
      );
      const id = (offset: string) => (total > 0 ? `CASE WHEN ${offset} = 0 THEN 0 ELSE c.value - ${total} + ${offset} END` : '0');
      parts.push(
        `i AS (INSERT INTO chat_idempotency (session_id, key, first_message_id, last_message_id, created_at)
           SELECT v.session_id, v.key, ${id('v.first')}, ${id('v.last')}, v.at
           FROM ${total > 0 ? 'c, ' : ''}(VALUES ${rows.join(', ')}) AS v(session_id, key, first, last, at))`,
      );
    }
    const [[last]] = (await run(`WITH ${parts.join(', ')} SELECT ${total > 0 ? 'value FROM c' : '0'}`, values, true)) as [[number]];
    tail.forEach((entry, e) => {
      entry.messages.push(...entry.drafts.map((draft, d) => ({ id: last - total + offsets[e]!.first + d, sessionId: entry.sessionId, ...draft })));
    });
  }

  /** A create, in a transaction of its own or a group's: the session, or CONFLICT when another create with its key committed first (this one must be undone). */
  async function createIn(run: Run, draft: SessionDraft, check: SessionCheck, idempotencyKey: string | undefined): Promise<SessionRecord | typeof CONFLICT> {
    if (idempotencyKey !== undefined) {
      const earlier = await run(`SELECT ${list(sessionColumns, 's.')} FROM chat_create_key k JOIN chat_session s ON s.id = k.session_id WHERE k.key = $1`, [idempotencyKey]);
      if (earlier.length > 0) return toSession(earlier[0]!);
    }
    check(await references(run, draft));
    // The topic's counter row is locked until the commit: the creates of one topic take
    // turns, from every process, so each counts the sessions committed before it. The id is
    // drawn for the row read from the locked counter, so the topic's ids and positions agree;
    // the key is recorded in the same statement.
    const values: unknown[] = [];
    const bind = (value: unknown, type: string) => `$${values.push(value)}::${type}`;
    const topic = bind(draft.topicId, 'integer');
    const key = idempotencyKey === undefined ? null : bind(idempotencyKey, 'text');
    const rows = await run(
      `WITH q AS (SELECT waiting FROM chat_queue WHERE topic_id = ${topic} FOR UPDATE),
       s AS (INSERT INTO chat_session (id, ${list(insertColumns)}, initial_queue_pos)
         SELECT nextval(pg_get_serial_sequence('chat_session', 'id')), ${insertColumns.map((c) => bind(c.encode(draft[c.key as keyof SessionDraft]), sqlType(c))).join(', ')}, q.waiting + 1
         FROM q RETURNING id, initial_queue_pos)
       ${key ? `, k AS (INSERT INTO chat_create_key (key, session_id, created_at) SELECT ${key}, s.id, ${bind(draft.updatedAt, 'bigint')} FROM s ON CONFLICT (key) DO NOTHING RETURNING 1)` : ''}
       SELECT s.id, s.initial_queue_pos${key ? ', (SELECT count(*) FROM k)' : ''} FROM s`,
      values,
    );
    if (rows.length === 0) throw new Error(`topic ${draft.topicId} has no queue`);
    const [id, position, recorded] = rows[0]! as [number, number, number | undefined];
    // Another process's create with the same key committed first: undo this one, answer that one.
    if (key && recorded === 0) return CONFLICT;
    const session = draft as SessionRecord;
    session.id = id;
    session.initialQueuePos = position;
    return session;
  }

  /** A change, in a transaction of its own or a group's; what it answers once the transaction has committed. */
  async function changeIn(
    run: Run,
    tail: Tail,
    id: number,
    decide: SessionDecision,
    { idempotencyKey, ranksOf }: ChangeOptions,
    inGroup = false,
  ): Promise<(() => ChangeOutcome) | typeof LATER> {
    // One statement reads the session, locked until the commit (no other change to it can
    // come in between), and the change the key made if it was used. A statement that waited
    // for the lock reads the row as the other left it, but the rest as it was when it began: a
    // key recorded meanwhile makes the write fail and run again (retryable), and then replay.
    const rows = await run(
      `SELECT ${list(sessionColumns, 's.')},
         (SELECT ARRAY[first_message_id, last_message_id] FROM chat_idempotency WHERE session_id = s.id AND key = $2::text)
       FROM chat_session s WHERE s.id = $1 FOR UPDATE OF s`,
      [id, idempotencyKey ?? null],
    );
    if (rows.length === 0) return () => ({ outcome: 'missing' as const });
    const row = rows[0]!;
    const session = toSession(row);
    const used = row[sessionColumns.length] as [number, number] | null;
    if (used) {
      const messages = (await run(`SELECT ${list(messageColumns)} FROM chat_message WHERE session_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id`, [id, used[0], used[1]])).map(toMessage);
      return () => ({ outcome: 'replayed' as const, session, messages });
    }
    // The agent's row is locked before its ranks are read, by a statement of its own that
    // sees what committed while it waited: two chats the agent takes at once get two ranks.
    let agentRanks: number[] = [];
    if (ranksOf !== undefined) {
      await run('SELECT 1 FROM associate WHERE id = $1 FOR NO KEY UPDATE', [ranksOf]);
      agentRanks = (await run(`SELECT rank FROM chat_session WHERE user_id = $1 AND id <> $2 AND ${ONGOING}`, [ranksOf, id])).map((rank) => rank[0] as number);
    }
    const change = decide({ session, agentRanks });
    const next = { ...session, ...change.session } as SessionRecord;
    next.updatedAt = Math.max(next.updatedAt, session.updatedAt + 1);
    // Into or out of a queue, its trigger would lock a queue's counter out of the group's order:
    // nothing is written, and it is made again alone once the group has committed.
    const queued = (record: SessionRecord) => (record.status === ChatSessionStatus.InQueue ? record.topicId : 0);
    if (inGroup && queued(next) !== queued(session)) return LATER;
    // The columns it changes now (a later change of the group reads them); its messages and
    // key with the group's, last.
    const changed = updateColumns.filter((c) => c.encode(next[c.key as keyof SessionRecord]) !== c.encode(session[c.key as keyof SessionRecord]));
    if (changed.length > 0) {
      await run(`UPDATE chat_session SET ${changed.map((c, i) => `${c.name} = $${i + 1}::${sqlType(c)}`).join(', ')} WHERE id = $${changed.length + 1}`, [
        ...changed.map((c) => c.encode(next[c.key as keyof SessionRecord])),
        id,
      ]);
    }
    const entry: TailEntry = { sessionId: id, drafts: change.messages ?? [], key: idempotencyKey, updatedAt: next.updatedAt, messages: [] };
    tail.push(entry);
    return () => ({ outcome: 'changed' as const, session: next, messages: entry.messages });
  }

  /**
   * Group commit: the creates and changes that arrive while a group is being written are made
   * in the next one, in one transaction, so the commit (the database's sync to disk) and the
   * message counter's lock are taken once for them all.
   *
   * Rows are locked in one order by every transaction, so that two never wait for each other:
   * sessions by id, then agents, then topics' queue counters by topic, then the message
   * counter. A group makes its changes first, by session (each session's in the order they
   * came), then its creates, by topic. Writes that would take rows out of that order go on
   * their own: a pick-up (it locks its agent), and a change that moves a session into or out
   * of a queue (its trigger locks the queue's counter), found once decided and then made
   * again alone after the group.
   *
   * A write whose rules refuse it fails alone. Should a statement fail, or a row be held too
   * long, the group's writes go again, each on its own; should the database be out of reach,
   * every write waiting fails at once, rather than each group after the last in turn.
   */
  type GroupWrite = {
    order: [number, number, number];
    inGroup: (run: Run, tail: Tail) => Promise<(() => unknown) | typeof LATER>;
    alone: () => Promise<unknown>;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
    outcome?: { answer: () => unknown } | { refused: unknown } | { later: true };
  };
  let waiting: GroupWrite[] = [];
  let writing = false;
  let arrivals = 0;
  const MAX_GROUP = 100;

  /** Made on its own transaction, answered when it is: the group goes on meanwhile. */
  const goAlone = (write: GroupWrite) => void write.alone().then(write.resolve, write.reject);

  function grouped<T>(inGroup: (run: Run, tail: Tail) => Promise<(() => T) | typeof LATER>, alone: () => Promise<T>, order: [number, number]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push({ order: [...order, arrivals++], inGroup, alone, resolve: resolve as (value: unknown) => void, reject });
      if (!writing && waiting.length === 1) setImmediate(writeGroups);
    });
  }

  /** Whether connecting to the database failed, rather than a statement on a connection. */
  const outOfReach = (error: StoreBusyError) => (error.cause as { code?: string } | undefined)?.code !== '55P03';

  async function writeGroups() {
    if (writing) return;
    writing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, MAX_GROUP).sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
        if (group.length === 1) {
          goAlone(group[0]!);
          continue;
        }
        let failure: unknown;
        try {
          await transaction(
            async (run) => {
              const tail: Tail = [];
              for (const write of group) {
                try {
                  const answer = await write.inGroup(run, tail);
                  write.outcome = answer === LATER ? { later: true } : { answer };
                } catch (error) {
                  if (error instanceof pg.DatabaseError || error instanceof GoAlone || unreachable(error)) throw error;
                  // The rules refused it, before it wrote anything: the others go on.
                  write.outcome = { refused: error };
                }
              }
              await writeTail(run, tail);
            },
            { retry: false },
          );
        } catch (error) {
          failure = error;
        }
        if (failure === undefined) {
          // Committed: each is answered, and those that were to go alone go now.
          for (const write of group) {
            const outcome = write.outcome!;
            if ('answer' in outcome) write.resolve(outcome.answer());
            else if ('refused' in outcome) write.reject(outcome.refused);
            else goAlone(write);
          }
        } else if (failure instanceof StoreBusyError && outOfReach(failure)) {
          for (const write of [...group, ...waiting.splice(0)]) write.reject(failure);
        } else {
          for (const write of group) goAlone(write);
        }
      }
    } finally {
      writing = false;
    }
  }

  const ONGOING = `status IN (${ChatSessionStatus.CustomerLast}, ${ChatSessionStatus.UserLast})`;

  function searchStatement(query: ArchiveQuery): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const where: string[] = [];
    if (query.topicId !== undefined) where.push(`s.topic_id = ${bind(query.topicId)}`);
    if (query.status !== undefined) where.push(`s.status = ${bind(query.status)}`);
    if (query.ended) where.push('s.when_ended IS NOT NULL');
    if (query.visibleTo) {
      const agentId = bind(query.visibleTo.agentId);
      where.push(`(s.topic_id = ANY(${bind(query.visibleTo.topicIds)}::integer[]) OR s.user_id = ${agentId} OR s.transfer_to_id = ${agentId})`);
    }
    if (query.text !== undefined) {
      const like = bind(anywhere(fold(query.text)));
      const match = (value: string) => `chatline_fold(${value}) LIKE ${like}`;
      where.push(
        `(${['s.customer_alias', 's.customer_name', 's.customer_email', 's.first_message'].map(match).join(' OR ')}
          OR EXISTS (SELECT 1 FROM chat_message m WHERE m.session_id = s.id AND ${match('m.message')}))`,
      );
    }
    const text = `SELECT ${list(sessionColumns, 's.')} FROM chat_session s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY s.id ${query.descending ? 'DESC' : 'ASC'} LIMIT ${bind(query.top)} OFFSET ${bind(query.skip)}`;
    return { text, values };
  }

  const setMember = async (run: Run, member: TopicAgentRecord) =>
    (
      await run(
        `INSERT INTO chat_topic_agent (${list(topicAgentColumns)})
         SELECT ${marks(topicAgentColumns)}
         WHERE EXISTS (SELECT 1 FROM chat_topic WHERE id = $1) AND EXISTS (SELECT 1 FROM associate WHERE id = $2)
         ON CONFLICT (topic_id, associate_id) DO UPDATE SET can_listen = excluded.can_listen, can_respond = excluded.can_respond,
           can_manage = excluded.can_manage, can_notify = excluded.can_notify
         RETURNING 1`,
        valuesOf(topicAgentColumns, member),
      )
    ).length > 0;

  let closed: Promise<void> | null = null;
  let takes = 0;
  /** What was asked of the store and is not answered yet: close() lets it finish. */
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const done = () => void inFlight.delete(work);
    work.then(done, done);
    return work;
  };

  const store: ChatStore = {
    createSession: (draft, check, { idempotencyKey } = {}) => {
      const alone = (): Promise<SessionRecord> =>
        transaction(async (run) => {
          const created = await createIn(run, draft, check, idempotencyKey);
          // Undone, then that create answered.
          if (created === CONFLICT) throw new Undo(null);
          return created;
        }).then(async (session) => {
          if (session !== null) return session;
          const earlier = await read(`SELECT ${list(sessionColumns, 's.')} FROM chat_create_key k JOIN chat_session s ON s.id = k.session_id WHERE k.key = $1`, [idempotencyKey]);
          // The create that won was deleted since: this one is made after all.
          return earlier.length > 0 ? toSession(earlier[0]!) : alone();
        });
      return grouped(async (run) => {
        const created = await createIn(run, draft, check, idempotencyKey);
        // A group cannot undo one of its writes alone: they all go again, each alone.
        if (created === CONFLICT) throw new GoAlone();
        return () => created;
      }, alone, [1, draft.topicId]);
    },
    sessionCreatedWith: async (idempotencyKey) =>
      one(await read(`SELECT ${list(sessionColumns, 's.')} FROM chat_create_key k JOIN chat_session s ON s.id = k.session_id WHERE k.key = $1`, [idempotencyKey]), toSession),
    serverSecret: (name) =>
      transaction(async (run) => {
        await run('INSERT INTO server_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url')]);
        return (await run('SELECT value FROM server_secret WHERE name = $1', [name]))[0]![0] as string;
      }),
    getSession: async (id) => one(await read(SELECT_SESSION, [id]), toSession),
    listSessions: async ({ topicId, status, topicIds, statuses, userId, transferToId, skip, top }) => {
      const topics = topicId !== undefined ? [topicId, ...(topicIds ?? [])] : topicIds;
      const states = status !== undefined ? [status, ...(statuses ?? [])] : statuses;
      if (topics?.length === 0 || states?.length === 0) return [];
      const values: unknown[] = [];
      const bind = (value: unknown) => `$${values.push(value)}`;
      const where = [
        topics ? `topic_id = ANY(${bind(topics)}::integer[])` : '',
        states ? `status = ANY(${bind(states)}::integer[])` : '',
        userId !== undefined ? `user_id = ${bind(userId)}` : '',
        transferToId !== undefined ? `transfer_to_id = ${bind(transferToId)}` : '',
      ].filter(Boolean);
      const text = `SELECT ${list(sessionColumns)} FROM chat_session ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${bind(top)} OFFSET ${bind(skip)}`;
      return (await read(text, values)).map(toSession);
    },
    searchSessions: async (query) => {
      const { text, values } = searchStatement(query);
      return (await read(text, values)).map(toSession);
    },
    updateSession: (id, draft, { expectedUpdatedAt, check, messages = [] }) =>
      transaction(async (run) => {
        check(await references(run, draft));
        const values = valuesOf(updateColumns, draft);
        const updated = await run(
          `UPDATE chat_session SET ${updateColumns.map((c, i) => `${c.name} = $${i + 1}`).join(', ')}
           WHERE id = $${values.length + 1} AND updated_at = $${values.length + 2} RETURNING ${list(sessionColumns)}`,
          [...values, id, expectedUpdatedAt],
        );
        if (updated.length === 0) {
          return (await run('SELECT 1 FROM chat_session WHERE id = $1', [id])).length === 0 ? { outcome: 'missing' as const } : { outcome: 'changed' as const };
        }
        const tail: Tail = [{ sessionId: id, drafts: messages, key: undefined, updatedAt: draft.updatedAt, messages: [] }];
        await writeTail(run, tail);
        return { outcome: 'updated' as const, session: toSession(updated[0]!), messages: tail[0]!.messages };
      }),
    changeSession: (id, decide, options = {}) => {
      const alone = () =>
        transaction(async (run) => {
          const tail: Tail = [];
          const answer = (await changeIn(run, tail, id, decide, options)) as () => ChangeOutcome;
          await writeTail(run, tail);
          return answer;
        }).then((answer) => answer());
      // A pick-up locks its agent's row: out of the group's order, so on its own.
      if (options.ranksOf !== undefined) return alone();
      return grouped((run, tail) => changeIn(run, tail, id, decide, options, true), alone, [0, id]);
    },
    queuePosition: async (sessionId) => {
      const rows = await read(
        `SELECT (SELECT count(*) FROM chat_session a WHERE a.topic_id = s.topic_id AND a.status = ${ChatSessionStatus.InQueue} AND a.id < s.id)
         FROM chat_session s WHERE s.id = $1 AND s.status = ${ChatSessionStatus.InQueue}`,
        [sessionId],
      );
      return rows.length === 0 ? null : (rows[0]![0] as number) + 1;
    },
    waitingSessionIds: async (topicId) =>
      (await read(`SELECT id FROM chat_session WHERE topic_id = $1 AND status = ${ChatSessionStatus.InQueue} ORDER BY id`, [topicId])).map((row) => row[0] as number),
    messagesAfter: async (after, { topicIds, agentId }, limit) =>
      (
        await read(
          `SELECT ${list(messageColumns, 'm.')} FROM chat_message m JOIN chat_session s ON s.id = m.session_id
           WHERE m.id > $1 AND (s.topic_id = ANY($2::integer[]) OR s.user_id = $3 OR s.transfer_to_id = $3) ORDER BY m.id LIMIT $4`,
          [after, topicIds, agentId, limit],
        )
      ).map(toMessage),
    lastMessageId: async () => (await read('SELECT coalesce(max(id), 0) FROM chat_message'))[0]![0] as number,
    listMessages: async (sessionId, after, limit) =>
      (await read(`SELECT ${list(messageColumns)} FROM chat_message WHERE session_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [sessionId, after, limit])).map(toMessage),
    markReadByCustomer: (sessionId, upTo) =>
      transaction(async (run) => {
        if ((await run('SELECT 1 FROM chat_session WHERE id = $1 FOR UPDATE', [sessionId])).length === 0) return null;
        const marked = await run(
          `UPDATE chat_message SET read_by_customer = 1
           WHERE session_id = $1 AND id <= $2 AND type = ${ChatMessageType.ToCustomer} AND read_by_customer = 0 RETURNING 1`,
          [sessionId, upTo],
        );
        const [[lastRead]] = (await run(
          `SELECT coalesce(max(id), 0) FROM chat_message WHERE session_id = $1 AND type = ${ChatMessageType.ToCustomer} AND read_by_customer <> 0`,
          [sessionId],
        )) as [[number]];
        return { marked: marked.length, lastRead };
      }),
    deleteSession: (id) => transaction(async (run) => one(await run(`DELETE FROM chat_session WHERE id = $1 RETURNING ${list(sessionColumns)}`, [id]), toSession)),

    getTopic: async (id) => one(await read(`SELECT ${list(topicColumns)} FROM chat_topic WHERE id = $1`, [id]), toTopic),
    listTopics: async () => (await read(`SELECT ${list(topicColumns)} FROM chat_topic ORDER BY id`)).map(toTopic),
    anyTopicAllows: async (origin) => origin !== '' && (await read('SELECT 1 FROM chat_topic WHERE $1 = ANY(allowed_origins) LIMIT 1', [origin])).length > 0,
    createTopic: (draft) =>
      transaction(async (run) =>
        toTopic(
          (await run(`INSERT INTO chat_topic (${list(topicWriteColumns)}) VALUES (${marks(topicWriteColumns)}) RETURNING ${list(topicColumns)}`, valuesOf(topicWriteColumns, draft)))[0]!,
        ),
      ),
    updateTopic: (id, draft) =>
      transaction(async (run) =>
        one(
          await run(
            `UPDATE chat_topic SET ${topicWriteColumns.map((c, i) => `${c.name} = $${i + 1}`).join(', ')} WHERE id = $${topicWriteColumns.length + 1} RETURNING ${list(topicColumns)}`,
            [...valuesOf(topicWriteColumns, draft), id],
          ),
          toTopic,
        ),
      ),
    deleteTopic: (id) =>
      transaction(async (run) => {
        // The topic's row is locked first: a session cannot be created in it while it goes.
        if ((await run('SELECT 1 FROM chat_topic WHERE id = $1 FOR UPDATE', [id])).length === 0) return 'missing' as const;
        if ((await run('SELECT 1 FROM chat_session WHERE topic_id = $1 LIMIT 1', [id])).length > 0) return 'in_use' as const;
        await run('DELETE FROM chat_topic WHERE id = $1', [id]);
        return 'deleted' as const;
      }),

    createAgent: (draft) =>
      transaction(async (run) =>
        one(
          await run(
            `INSERT INTO associate (user_name, user_name_key, full_name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_name_key) DO NOTHING RETURNING ${list(agentColumns)}`,
            [draft.userName, fold(draft.userName), draft.fullName, draft.passwordHash, draft.createdAt],
          ),
          toAgent,
        ),
      ),
    getAgent: async (id) => agent(read, id),
    findAgent: async (userName) => one(await read(`SELECT ${list(agentColumns)} FROM associate WHERE user_name_key = $1`, [fold(userName)]), toAgent),
    listAgents: async () => (await read(`SELECT ${list(agentColumns)} FROM associate ORDER BY id`)).map(toAgent),
    setPassword: (id, passwordHash) => transaction(async (run) => (await run('UPDATE associate SET password_hash = $1 WHERE id = $2 RETURNING 1', [passwordHash, id])).length > 0),
    setPresence: (id, present) => transaction(async (run) => (await run('UPDATE associate SET chat_present = $1 WHERE id = $2 RETURNING 1', [present, id])).length > 0),
    ongoingChats: async (agentId) => (await read(`SELECT count(*)::integer FROM chat_session WHERE user_id = $1 AND ${ONGOING}`, [agentId]))[0]![0] as number,

    listTopicAgents: async (topicId) => (await read(`SELECT ${list(topicAgentColumns)} FROM chat_topic_agent WHERE topic_id = $1 ORDER BY associate_id`, [topicId])).map(toTopicAgent),
    agentTopics: async (agentId) => (await read(`SELECT ${list(topicAgentColumns)} FROM chat_topic_agent WHERE associate_id = $1 ORDER BY topic_id`, [agentId])).map(toTopicAgent),
    setTopicAgent: (member) => transaction((run) => setMember(run, member)),
    removeTopicAgent: (topicId, agentId) =>
      transaction(async (run) => (await run('DELETE FROM chat_topic_agent WHERE topic_id = $1 AND associate_id = $2 RETURNING 1', [topicId, agentId])).length > 0),
    replaceTopicAgents: (topicId, members) =>
      transaction(async (run) => {
        if ((await run('SELECT 1 FROM chat_topic WHERE id = $1 FOR UPDATE', [topicId])).length === 0) return false;
        await run('DELETE FROM chat_topic_agent WHERE topic_id = $1', [topicId]);
        for (const member of members) {
          if (!(await setMember(run, { ...member, topicId }))) throw new Undo(false);
        }
        return true;
      }),

    listCannedReplies: async (topicId) => (await read(`SELECT ${list(replyColumns)} FROM chat_canned_reply WHERE topic_id = $1 ORDER BY name_key, id`, [topicId])).map(toReply),
    // The topic's row is locked while the replies are counted: two managers adding at once cannot pass the limit.
    createCannedReply: (topicId, { name, text }, { limit }) =>
      transaction(async (run): Promise<CannedReplyWrite> => {
        if ((await run('SELECT 1 FROM chat_topic WHERE id = $1 FOR UPDATE', [topicId])).length === 0) return { outcome: 'missing' };
        if ((await run('SELECT 1 FROM chat_canned_reply WHERE topic_id = $1 AND name_key = $2', [topicId, fold(name)])).length > 0) return { outcome: 'taken' };
        if (((await run('SELECT count(*)::integer FROM chat_canned_reply WHERE topic_id = $1', [topicId]))[0]![0] as number) >= limit) return { outcome: 'full' };
        const [[id]] = (await run('INSERT INTO chat_canned_reply (topic_id, name, name_key, text) VALUES ($1, $2, $3, $4) RETURNING id', [topicId, name, fold(name), text])) as [[number]];
        return { outcome: 'saved', reply: { id, topicId, name, text } };
      }),
    updateCannedReply: (topicId, id, { name, text }) =>
      transaction(async (run) => {
        if ((await run('SELECT 1 FROM chat_topic WHERE id = $1 FOR UPDATE', [topicId])).length === 0) return { outcome: 'missing' as const };
        if ((await run('SELECT 1 FROM chat_canned_reply WHERE id = $1 AND topic_id = $2', [id, topicId])).length === 0) return { outcome: 'missing' as const };
        const named = await run('SELECT id FROM chat_canned_reply WHERE topic_id = $1 AND name_key = $2', [topicId, fold(name)]);
        if (named.length > 0 && named[0]![0] !== id) return { outcome: 'taken' as const };
        await run('UPDATE chat_canned_reply SET name = $1, name_key = $2, text = $3 WHERE id = $4 AND topic_id = $5', [name, fold(name), text, id, topicId]);
        return { outcome: 'saved' as const, reply: { id, topicId, name, text } };
      }),
    deleteCannedReply: (topicId, id) =>
      transaction(async (run) => (await run('DELETE FROM chat_canned_reply WHERE id = $1 AND topic_id = $2 RETURNING 1', [id, topicId])).length > 0),

    addCredential: (credential, holder) =>
      transaction(async (run) => {
        // The agent's row is locked: a change of its password or its removal comes before or after, never between.
        const agent = one(await run(`SELECT ${list(agentColumns)} FROM associate WHERE id = $1 FOR SHARE`, [credential.agentId]), toAgent);
        if (!agent || agent.deleted || (holder && agent.passwordHash !== holder.passwordHash)) return false;
        await run(`INSERT INTO credential (${list(credentialColumns)}) VALUES (${marks(credentialColumns)})`, valuesOf(credentialColumns, credential));
        return true;
      }),
    findCredential: async (secretHash, kind, now) =>
      one(
        await read(`SELECT ${list(credentialColumns)} FROM credential WHERE secret_hash = $1 AND kind = $2 AND (expires_at IS NULL OR expires_at > $3)`, [secretHash, kind, now]),
        toCredential,
      ),
    deleteCredential: (secretHash) =>
      transaction(async (run) => one(await run(`DELETE FROM credential WHERE secret_hash = $1 RETURNING ${list(credentialColumns)}`, [secretHash]), toCredential)),

    touchFetched: async (ids, at, staleBefore) => {
      if (ids.length === 0) return;
      await transaction(
        async (run) =>
          void (await run('UPDATE chat_session SET when_fetched = $1 WHERE id = ANY($2::integer[]) AND (when_fetched IS NULL OR when_fetched < $3)', [at, ids, staleBefore])),
      );
    },
    listRequests: async ({ topicIds, handled, top }) =>
      topicIds.length === 0
        ? []
        : (
            await read(
              `SELECT ${list(sessionColumns)} FROM chat_session WHERE request_left_at IS NOT NULL AND topic_id = ANY($1::integer[])
               AND request_handled_at IS ${handled ? 'NOT ' : ''}NULL ORDER BY request_left_at DESC LIMIT $2`,
              [topicIds, top],
            )
          ).map(toSession),
    ratingSummary: async ({ topicIds, agentId, recent }) => {
      const values: unknown[] = [topicIds];
      const mine = agentId === undefined ? '' : `AND user_id = $${values.push(agentId)}`;
      const where = `WHERE rating > 0 AND topic_id = ANY($1::integer[]) ${mine}`;
      const count = async (by: string) =>
        (await read(`SELECT ${by}, avg(rating)::float8, count(*)::integer FROM chat_session ${where} AND ${by} IS NOT NULL GROUP BY ${by} ORDER BY ${by}`, values)).map(
          ([id, average, n]) => ({ id: id as number, average: average as number, count: n as number }),
        );
      const [topics, agents, latest] = await Promise.all([
        count('topic_id'),
        count('user_id'),
        read(`SELECT ${list(sessionColumns)} FROM chat_session ${where} ORDER BY when_rated DESC, id DESC LIMIT $${values.length + 1}`, [...values, recent]),
      ]);
      return { topics, agents, recent: latest.map(toSession) };
    },
    averageWait: async (topicId, last) => {
      const rows = await read(
        `SELECT avg(when_started - when_requested)::float8 FROM (SELECT when_started, when_requested FROM chat_session
         WHERE topic_id = $1 AND when_started IS NOT NULL ORDER BY when_started DESC LIMIT $2) AS latest`,
        [topicId, last],
      );
      return (rows[0]?.[0] as number | null | undefined) ?? null;
    },
    touchCredential: (secretHash, at) => transaction(async (run) => void (await run('UPDATE credential SET last_used_at = $1 WHERE secret_hash = $2', [at, secretHash]))),
    listCredentials: async (agentId, kind, now) =>
      (
        await read(
          `SELECT ${list(credentialColumns)} FROM credential
           WHERE associate_id = $1 AND kind = $2 AND (expires_at IS NULL OR expires_at > $3) ORDER BY created_at, secret_hash`,
          [agentId, kind, now],
        )
      ).map(toCredential),
    revokeCredentials: (agentId, kinds) =>
      transaction(async (run) => {
        await run('DELETE FROM stream_ticket WHERE associate_id = $1', [agentId]);
        return (await run('DELETE FROM credential WHERE associate_id = $1 AND kind = ANY($2::text[]) RETURNING 1', [agentId, kinds])).length;
      }),
    removeAgent: (id) =>
      transaction(async (run) => {
        // Locked first, as every transaction that changes agents does.
        const before = one(await run(`SELECT ${list(agentColumns)} FROM associate WHERE id = $1 AND NOT deleted FOR UPDATE`, [id]), toAgent);
        if (!before) return null;
        await run('UPDATE associate SET deleted = true, chat_present = false WHERE id = $1', [id]);
        await run('DELETE FROM chat_topic_agent WHERE associate_id = $1', [id]);
        await run('DELETE FROM stream_ticket WHERE associate_id = $1', [id]);
        await run('DELETE FROM credential WHERE associate_id = $1', [id]);
        return before;
      }),
    guardSignIn: (account, address, decide) =>
      transaction(async (run) => {
        // Both rows exist, then are locked in one order: the count from anywhere ('') first.
        await run(
          `INSERT INTO sign_in_count (account, address, failures, since, pending) VALUES ($1, '', 0, 0, 0), ($1, $2, 0, 0, 0)
           ON CONFLICT (account, address) DO NOTHING`,
          [account, address],
        );
        const rows = await run(
          `SELECT address, ${list(countColumns)} FROM sign_in_count WHERE account = $1 AND address IN ('', $2) ORDER BY address FOR UPDATE`,
          [account, address],
        );
        const count = (at: string) => toCount(rows.find((row) => row[0] === at)!.slice(1));
        const after = decide({ fromAddress: count(address), fromAnywhere: count('') });
        if (!after) return;
        const set = countColumns.map((c, i) => `${c.name} = $${i + 3}`).join(', ');
        for (const [at, values] of [
          [address, after.fromAddress],
          ['', after.fromAnywhere],
        ] as const) {
          await run(`UPDATE sign_in_count SET ${set} WHERE account = $1 AND address = $2`, [account, at, ...valuesOf(countColumns, values)]);
        }
      }),
    forgetSignIns: (before) =>
      transaction(
        async (run) =>
          void (await run(
            `DELETE FROM sign_in_count WHERE coalesce(last_failure_at, 0) < $1 AND coalesce(last_success_at, 0) < $1
               AND coalesce(pending_at, 0) < $1 AND since < $1`,
            [before],
          )),
      ),
    addSignInEvent: (event) =>
      transaction(async (run) => {
        // The agent's row is locked, so that two processes' events for it come one after the other.
        if ((await run('SELECT 1 FROM associate WHERE id = $1 FOR UPDATE', [event.agentId])).length === 0) return;
        const [last] = await run('SELECT id, kind, method, address FROM sign_in_event WHERE associate_id = $1 ORDER BY id DESC LIMIT 1', [event.agentId]);
        if (last && sameEventAgain({ kind: last[1] as string, method: last[2] as string | null, address: last[3] as string | null }, event)) {
          await run('UPDATE sign_in_event SET count = count + 1, at = $1, request_id = $2 WHERE id = $3', [event.at, event.requestId, last[0]]);
          return;
        }
        await run(`INSERT INTO sign_in_event (${list(eventColumns)}) VALUES (${marks(eventColumns)})`, valuesOf(eventColumns, { ...event, count: 1 }));
        await run(
          `DELETE FROM sign_in_event WHERE associate_id = $1 AND kind IN (${TRIMMED_KINDS})
             AND id <= (SELECT id FROM sign_in_event WHERE associate_id = $1 AND kind IN (${TRIMMED_KINDS}) ORDER BY id DESC LIMIT 1 OFFSET ${SIGN_IN_EVENTS_KEPT})`,
          [event.agentId],
        );
      }),
    listSignInEvents: async (agentId, limit) =>
      (await read(`SELECT ${list(eventColumns)} FROM sign_in_event WHERE associate_id = $1 ORDER BY id DESC LIMIT $2`, [agentId, limit])).map(toEvent),

    addStreamTicket: (ticket) =>
      transaction(async (run) => void (await run(`INSERT INTO stream_ticket (${list(ticketColumns)}) VALUES (${marks(ticketColumns)})`, valuesOf(ticketColumns, ticket)))),
    takeStreamTicket: (secretHash, now) =>
      transaction(async (run) => {
        const ticket = one(await run(`DELETE FROM stream_ticket WHERE secret_hash = $1 RETURNING ${list(ticketColumns)}`, [secretHash]), toTicket);
        // Tickets live a minute: those nobody used go with the next one taken.
        await run('DELETE FROM stream_ticket WHERE expires_at <= $1', [now]);
        return ticket && ticket.expiresAt > now ? ticket : null;
      }),
    takeRateToken: async (key, { perWindow, windowMs }, now) => {
      const msPerToken = windowMs / perWindow;
      const refilled = 'least($2::float8, b.tokens + greatest(0, $3::bigint - b.at) / $4::float8)';
      const rows = await read(
        `INSERT INTO rate_bucket AS b (key, tokens, at, allowed, expires_at) VALUES ($1, $2::float8 - 1, $3::bigint, true, $3::bigint + $5::bigint)
         ON CONFLICT (key) DO UPDATE SET tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END, allowed = ${refilled} >= 1,
           at = greatest(b.at, $3::bigint), expires_at = greatest(b.at, $3::bigint) + $5::bigint
         RETURNING tokens, allowed`,
        [key, perWindow, now, msPerToken, windowMs],
      );
      // A bucket that has refilled behaves as a new one would: those are forgotten now and then.
      if (++takes % 256 === 0) await read('DELETE FROM rate_bucket WHERE expires_at < $1', [now]);
      const [tokens, allowed] = rows[0]! as [number, boolean];
      return allowed ? 0 : Math.max(1, Math.ceil(((1 - tokens) * msPerToken) / 1000));
    },

    close: () =>
      (closed ??= (async () => {
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        await pool.end();
      })()),
  };
  // Every method's answer is tracked until it settles.
  for (const [name, method] of Object.entries(store) as [keyof ChatStore, (...args: unknown[]) => Promise<unknown>][]) {
    if (name !== 'close') (store as Record<string, unknown>)[name] = (...args: unknown[]) => track(method(...args));
  }
  return store;
}
