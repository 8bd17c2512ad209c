-- Secrets of this server, made at its first start: the key of an idempotent create is
-- derived from the client's Idempotency-Key with one, so a retry answers the same key again
-- without any session key being stored.
CREATE TABLE server_secret (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The Idempotency-Key of each create that sent one: a retried create finds its session.
CREATE TABLE chat_create_key (
  key TEXT PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES chat_session (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
