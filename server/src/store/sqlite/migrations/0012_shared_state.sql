-- What a server keeps between requests, in the database rather than its memory, so that
-- another process on the same database sees it too.

-- Single-use tickets that open a stream (EventSource cannot send headers). Only a SHA-256 of
-- each ticket is kept; they live a minute.
CREATE TABLE stream_ticket (
  secret_hash TEXT PRIMARY KEY,
  session_id INTEGER REFERENCES chat_session (id) ON DELETE CASCADE,
  associate_id INTEGER REFERENCES associate (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX stream_ticket_expires ON stream_ticket (expires_at);

-- Token buckets of the rate limits, by limit and client: the tokens left at `at`, and whether
-- the last take found one. A bucket that has refilled is forgotten (`expires_at`).
CREATE TABLE rate_bucket (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at INTEGER NOT NULL,
  allowed INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_bucket_expires ON rate_bucket (expires_at);
