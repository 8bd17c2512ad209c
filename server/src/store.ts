/**
 * All SQL lives here, behind the ChatStore interface, so that another database is a second
 * implementation of it rather than a rewrite.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { chatSessionFields } from '@chatline/shared';
import { migrate, readMigrations } from './migrate.ts';

/** A chat_session row: one column per field of the field table, plus bookkeeping. */
export type SessionRow = {
  id: number;
  topic_id: number;
  user_id: number | null;
  person: string | null;
  customer_alias: string | null;
  customer_host: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  customer_consented: 0 | 1;
  customer_company_name: string | null;
  status: number;
  first_message: string | null;
  last_message: string | null;
  when_requested: number | null;
  when_started: number | null;
  when_ended: number | null;
  when_idle: number | null;
  when_fetched: number | null;
  session_key_hash: string | null;
  initial_queue_pos: number;
  alert_level: number;
  rank: number;
  flags: number;
  contact: string | null;
  project: string | null;
  sale: string | null;
  ticket: string | null;
  transfer_to_id: number | null;
  updated_at: number;
};

/** What a new session is made of; the store assigns the id and the queue position. */
export type NewSessionRow = Omit<SessionRow, 'id' | 'initial_queue_pos'>;

export type TopicRow = {
  id: number;
  name: string;
  collect_consent: 0 | 1;
  /** Space-separated origins whose pages may request chats in this topic. */
  allowed_origins: string;
  description: string;
  welcome_message: string;
  language: string;
  widget_required_fields: number;
  widget_hidden_fields: number;
  widget_welcome_title: string;
  widget_welcome_message: string;
  widget_color: string;
  widget_consent_text: string;
  widget_privacy_policy_url: string;
};

export type TopicFields = Omit<TopicRow, 'id'>;

/** What checking a session against its topic needs: a third of the row, read at a third of the cost. */
export type TopicRules = Pick<TopicRow, 'id' | 'collect_consent' | 'allowed_origins' | 'widget_required_fields'>;

export type AssociateRow = {
  id: number;
  user_name: string;
  full_name: string;
  password_hash: string | null;
  person_id: number;
  rank: number;
  group_idx: number;
  ej_user_id: number;
  type: string;
  deleted: 0 | 1;
  created_at: number;
};

export type NewAssociate = { user_name: string; full_name: string; password_hash: string | null; created_at: number };

export type CredentialKind = 'token' | 'ticket' | 'session';

export type CredentialRow = {
  secret_hash: string;
  kind: CredentialKind;
  associate_id: number;
  xsrf_hash: string | null;
  created_at: number;
  expires_at: number | null;
};

export type ChatStore = {
  /**
   * Inserts the row `make` returns and resolves to it completed with its id and queue
   * position (the same object), once committed. `make` runs in the write transaction, so what
   * it reads through the store cannot change before the insert; what it throws is the create's
   * error, and nothing is inserted. The creates of one event-loop turn share one transaction.
   */
  createSession(make: () => NewSessionRow): Promise<SessionRow>;
  getSession(id: number): SessionRow | null;
  /** Replaces every writable column of a session; null when there is no such session. */
  updateSession(id: number, row: NewSessionRow): SessionRow | null;
  /** Returns false when there is no such session. */
  deleteSession(id: number): boolean;
  getTopic(id: number): TopicRow | null;
  /** Inside a create's `make`, read once per group: no topic changes while the group holds the lock. */
  getTopicRules(id: number): TopicRules | null;
  /** Whether any topic lists this origin. */
  anyTopicAllows(origin: string): boolean;
  listTopics(): TopicRow[];
  createTopic(topic: TopicFields): TopicRow;
  /** Null when there is no such topic. */
  updateTopic(id: number, topic: TopicFields): TopicRow | null;
  /** 'in_use' while sessions still belong to the topic. */
  deleteTopic(id: number): 'deleted' | 'missing' | 'in_use';

  /** Null when the user name is taken (user names are unique regardless of case). */
  createAssociate(associate: NewAssociate): AssociateRow | null;
  getAssociate(id: number): AssociateRow | null;
  findAssociate(userName: string): AssociateRow | null;
  listAssociates(): AssociateRow[];
  setPassword(id: number, passwordHash: string): void;

  addCredential(credential: CredentialRow): void;
  /** The credential with this secret hash, unless it has expired by `now`. */
  findCredential(secretHash: string, kind: CredentialKind, now: number): CredentialRow | null;
  deleteCredential(secretHash: string): void;
  close(): void;
};

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Columns a new row gets from its NewSessionRow; the store adds id and initial_queue_pos. */
const insertColumns = [
  ...chatSessionFields.map((spec) => spec.column).filter((column) => column !== 'id' && column !== 'initial_queue_pos'),
  'updated_at',
];

/** What a replacement changes: never what the server computed when the session was requested. */
const updateColumns = insertColumns.filter(
  (column) => !['customer_host', 'when_requested', 'session_key_hash'].includes(column),
);

export type OpenOptions = {
  /** Milliseconds a statement waits for another process's write lock before failing. */
  busyTimeout?: number;
  /**
   * NORMAL (the default): a committed session survives a crash of the server process; after a
   * crash of the operating system or a power cut the database is intact but may have lost the
   * last transactions, as the WAL is synced at checkpoints only. FULL syncs the WAL at every
   * commit, so an answered session survives a power cut too, at a fraction of the throughput.
   */
  synchronous?: 'NORMAL' | 'FULL';
};

/** Opens (creating if needed) the database file, brings its schema up to date, prepares statements. */
export function openStore(path: string, { busyTimeout = 5000, synchronous = 'NORMAL' }: OpenOptions = {}): ChatStore {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeout)}`);
    migrate(db, readMigrations(migrationsDir));
  } catch (error) {
    db.close();
    throw error;
  }

  // One statement reads the queue count and inserts, inside an IMMEDIATE transaction that holds
  // the write lock from its start, so no other process can count the same queue in between.
  // The waiting count is kept by triggers (migration 0003): one primary-key read, not a count.
  // RETURNING gives what the database chose, the id and the position; the rest of the row is
  // what was written (returning every column cost a third of the insert). Values are bound by
  // position: binding 28 by name costs V8 two property lookups each.
  const insertSession = db.prepare(
    `INSERT INTO chat_session (${insertColumns.join(', ')}, initial_queue_pos)
     VALUES (${insertColumns.map(() => '?').join(', ')},
             coalesce((SELECT waiting FROM chat_queue WHERE topic_id = ?), 0) + 1)
     RETURNING id, initial_queue_pos`,
  ).raw();
  const insertValues = (row: NewSessionRow) => {
    const values: unknown[] = insertColumns.map((column) => row[column as keyof NewSessionRow]);
    values.push(row.topic_id);
    return values;
  };
  const selectSession = db.prepare('SELECT * FROM chat_session WHERE id = ?');
  const selectTopic = db.prepare('SELECT * FROM chat_topic WHERE id = ?');
  const selectTopicRules = db.prepare(
    'SELECT id, collect_consent, allowed_origins, widget_required_fields FROM chat_topic WHERE id = ?',
  );
  const selectTopics = db.prepare('SELECT * FROM chat_topic ORDER BY id');
  const topicColumns = [
    'name', 'collect_consent', 'allowed_origins', 'description', 'welcome_message', 'language',
    'widget_required_fields', 'widget_hidden_fields', 'widget_welcome_title', 'widget_welcome_message', 'widget_color',
    'widget_consent_text', 'widget_privacy_policy_url',
  ];
  const insertTopic = db.prepare(
    `INSERT INTO chat_topic (${topicColumns.join(', ')}) VALUES (${topicColumns.map((c) => `@${c}`).join(', ')})`,
  );
  const updateTopic = db.prepare(
    `UPDATE chat_topic SET ${topicColumns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`,
  );
  const deleteTopic = db.prepare('DELETE FROM chat_topic WHERE id = ?');
  const topicInUse = db.prepare('SELECT 1 FROM chat_session WHERE topic_id = ? LIMIT 1').pluck();
  const selectTopicAllowing = db
    .prepare("SELECT 1 FROM chat_topic WHERE instr(' ' || allowed_origins || ' ', ' ' || ? || ' ') > 0 LIMIT 1")
    .pluck();
  const updateSession = db.prepare(
    `UPDATE chat_session SET ${updateColumns.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`,
  );
  const deleteSession = db.prepare('DELETE FROM chat_session WHERE id = ?');
  const insertAssociate = db.prepare(
    `INSERT INTO associate (user_name, full_name, password_hash, created_at)
     VALUES (@user_name, @full_name, @password_hash, @created_at)
     ON CONFLICT (user_name) DO NOTHING`,
  );
  const selectAssociate = db.prepare('SELECT * FROM associate WHERE id = ?');
  const selectAssociateByName = db.prepare('SELECT * FROM associate WHERE user_name = ?');
  const selectAssociates = db.prepare('SELECT * FROM associate ORDER BY id');
  const updatePassword = db.prepare('UPDATE associate SET password_hash = ? WHERE id = ?');
  const insertCredential = db.prepare(
    `INSERT INTO credential (secret_hash, kind, associate_id, xsrf_hash, created_at, expires_at)
     VALUES (@secret_hash, @kind, @associate_id, @xsrf_hash, @created_at, @expires_at)`,
  );
  const selectCredential = db.prepare(
    `SELECT * FROM credential
     WHERE secret_hash = ? AND kind = ? AND (expires_at IS NULL OR expires_at > ?)`,
  );
  const deleteCredential = db.prepare('DELETE FROM credential WHERE secret_hash = ?');

  // Group commit: the creates that arrive in one turn of the event loop are inserted in one
  // transaction after it, and each answered once that transaction is committed. A commit
  // writes every page it changed to the WAL (the session's, its index's, the id sequence's and
  // the queue counter's), so a shared commit writes them once for the whole group.
  type PendingCreate = {
    make: () => NewSessionRow;
    resolve: (row: SessionRow) => void;
    reject: (error: unknown) => void;
    row?: SessionRow;
    error?: unknown;
  };
  let pending: PendingCreate[] = [];
  // While a group's transaction holds the write lock no topic can change, so its creates read
  // each topic's rules once.
  let groupTopics: Map<number, TopicRules | null> | null = null;
  const readTopicRules = (id: number) => (selectTopicRules.get(id) as TopicRules | undefined) ?? null;
  const insertGroup = db.transaction((group: PendingCreate[]) => {
    groupTopics = new Map();
    for (const create of group) {
      try {
        const row = create.make();
        const [id, position] = insertSession.get(insertValues(row)) as [number, number];
        // The fresh row becomes the stored row.
        const stored = row as SessionRow;
        stored.id = id;
        stored.initial_queue_pos = position;
        create.row = stored;
      } catch (error) {
        // A failed statement undoes itself only; should SQLite have ended the whole transaction
        // (a full disk, an I/O error), every create of the group fails with it.
        if (!db.inTransaction) throw error;
        create.error = error;
      }
    }
  });
  const commitPending = () => {
    const group = pending;
    pending = [];
    try {
      insertGroup.immediate(group);
    } catch (error) {
      for (const create of group) create.error = error;
    } finally {
      groupTopics = null;
    }
    for (const create of group) {
      if (create.error === undefined) create.resolve(create.row!);
      else create.reject(create.error);
    }
  };

  return {
    createSession: (make) =>
      new Promise((resolve, reject) => {
        if (pending.push({ make, resolve, reject }) === 1) setImmediate(commitPending);
      }),
    getSession: (id) => (selectSession.get(id) as SessionRow | undefined) ?? null,
    updateSession: (id, row) =>
      updateSession.run({ ...row, id }).changes > 0 ? (selectSession.get(id) as SessionRow) : null,
    deleteSession: (id) => deleteSession.run(id).changes > 0,
    getTopic: (id) => (selectTopic.get(id) as TopicRow | undefined) ?? null,
    getTopicRules: (id) => {
      if (groupTopics === null) return readTopicRules(id);
      let rules = groupTopics.get(id);
      if (rules === undefined) groupTopics.set(id, (rules = readTopicRules(id)));
      return rules;
    },
    anyTopicAllows: (origin) => selectTopicAllowing.get(origin) !== undefined,
    listTopics: () => selectTopics.all() as TopicRow[],
    createTopic: (topic) => selectTopic.get(insertTopic.run(topic).lastInsertRowid) as TopicRow,
    updateTopic: (id, topic) => (updateTopic.run({ ...topic, id }).changes > 0 ? (selectTopic.get(id) as TopicRow) : null),
    deleteTopic: (id) =>
      db
        .transaction((): 'deleted' | 'missing' | 'in_use' => {
          if (topicInUse.get(id) !== undefined) return 'in_use';
          return deleteTopic.run(id).changes > 0 ? 'deleted' : 'missing';
        })
        .immediate(),

    createAssociate: (associate) => {
      const { changes, lastInsertRowid } = insertAssociate.run(associate);
      return changes > 0 ? (selectAssociate.get(lastInsertRowid) as AssociateRow) : null;
    },
    getAssociate: (id) => (selectAssociate.get(id) as AssociateRow | undefined) ?? null,
    findAssociate: (userName) => (selectAssociateByName.get(userName) as AssociateRow | undefined) ?? null,
    listAssociates: () => selectAssociates.all() as AssociateRow[],
    setPassword: (id, passwordHash) => void updatePassword.run(passwordHash, id),

    addCredential: (credential) => void insertCredential.run(credential),
    findCredential: (secretHash, kind, now) =>
      (selectCredential.get(secretHash, kind, now) as CredentialRow | undefined) ?? null,
    deleteCredential: (secretHash) => void deleteCredential.run(secretHash),
    close: () => {
      if (pending.length > 0) commitPending();
      db.close();
    },
  };
}
