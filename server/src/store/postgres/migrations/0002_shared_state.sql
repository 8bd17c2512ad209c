-- What a server keeps between requests, in the database rather than its memory, so that every
-- process on the database sees it: stream tickets, and the rate limits' buckets (a visitor
-- cannot multiply a limit by the number of processes).

-- Single-use tickets that open a stream (EventSource cannot send headers). Only a SHA-256 of
-- each ticket is kept; they live a minute.
CREATE TABLE stream_ticket (
  secret_hash text PRIMARY KEY,
  session_id integer REFERENCES chat_session (id) ON DELETE CASCADE,
  associate_id integer REFERENCES associate (id) ON DELETE CASCADE,
  expires_at bigint NOT NULL
);
CREATE INDEX stream_ticket_expires ON stream_ticket (expires_at);

-- Token buckets of the rate limits, by limit and client: the tokens left at `at`, and whether
-- the last take found one. A bucket that has refilled is forgotten (`expires_at`). Unlogged:
-- not written to the WAL, and emptied by a crash of the database, which forgives every client.
CREATE UNLOGGED TABLE rate_bucket (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  at bigint NOT NULL,
  allowed boolean NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX rate_bucket_expires ON rate_bucket (expires_at);
