-- Taking access back, and a record of sign-ins.

-- When a credential was last presented (to the minute), for the list of an agent's tokens.
ALTER TABLE credential ADD COLUMN last_used_at INTEGER;

-- The counts that throttle password guessing, by account (a SHA-256 of the folded user name,
-- whether or not an agent has it) and client address; the address '' counts from anywhere.
CREATE TABLE sign_in_count (
  account TEXT NOT NULL,
  address TEXT NOT NULL,
  failures INTEGER NOT NULL,
  since INTEGER NOT NULL,
  last_failure_at INTEGER,
  pending INTEGER NOT NULL,
  pending_at INTEGER,
  last_success_at INTEGER,
  PRIMARY KEY (account, address)
) WITHOUT ROWID;

-- Each agent's last sign-ins and changes to its access; the same event again counts up.
CREATE TABLE sign_in_event (
  id INTEGER PRIMARY KEY,
  associate_id INTEGER NOT NULL REFERENCES associate (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  method TEXT,
  address TEXT,
  request_id TEXT,
  count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sign_in_event_associate ON sign_in_event (associate_id, id);

-- What the admin command changed, for the server running on the same file to hear: each
-- row the events of one change, as the server processes on PostgreSQL tell them each other.
-- Read by id; rows older than a few minutes go.
CREATE TABLE outside_event (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  at INTEGER NOT NULL
);
