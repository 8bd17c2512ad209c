-- The messages of a chat (SuperOffice's ChatMessage). Ids only grow, so a message's id is also
-- a cursor: what a client has not seen is what comes after the last id it has.
CREATE TABLE chat_message (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id INTEGER NOT NULL REFERENCES chat_session (id) ON DELETE CASCADE,
  -- ChatMessageType: ToCustomer 1, ToUser 2, Special 3.
  type INTEGER NOT NULL,
  message TEXT NOT NULL,
  author TEXT NOT NULL,
  read_by_customer INTEGER NOT NULL DEFAULT 0,
  -- ChatMessageSpecialType: None 0, Welcome 1, ClosedByUser 10, …
  special_type INTEGER NOT NULL DEFAULT 0,
  special_param TEXT,
  -- Milliseconds since the epoch, UTC.
  when_posted INTEGER NOT NULL
);

-- A session's messages after a cursor: one range of this index.
CREATE INDEX chat_message_session ON chat_message (session_id, id);

-- The Idempotency-Key of each change that added messages, per session: a retried send finds
-- the message stored the first time instead of storing another.
CREATE TABLE chat_idempotency (
  session_id INTEGER NOT NULL REFERENCES chat_session (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  first_message_id INTEGER NOT NULL,
  last_message_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, key)
) WITHOUT ROWID;

-- An agent's sessions (ChatSessionsForUser, the ranks of those under way).
CREATE INDEX chat_session_user ON chat_session (user_id) WHERE user_id IS NOT NULL;
