-- A session's agent (user_id) and the agent a transfer is offered to (transfer_to_id) must
-- exist: SQLite adds a foreign key only by rebuilding the table. Nothing refers to
-- chat_session, so the rebuild keeps every id; the id sequence is carried over, so an id is
-- still never handed out twice. A reference to an agent that is not there becomes NULL.
CREATE TABLE chat_session_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic_id INTEGER NOT NULL REFERENCES chat_topic (id),
  user_id INTEGER REFERENCES associate (id),
  person TEXT,
  customer_alias TEXT,
  customer_host TEXT,
  customer_name TEXT,
  customer_email TEXT,
  customer_phone TEXT,
  customer_consented INTEGER NOT NULL DEFAULT 0,
  customer_company_name TEXT,
  status INTEGER NOT NULL,
  first_message TEXT,
  last_message TEXT,
  -- Date-times as milliseconds since the epoch, UTC.
  when_requested INTEGER,
  when_started INTEGER,
  when_ended INTEGER,
  when_idle INTEGER,
  when_fetched INTEGER,
  -- SHA-256 of the session key, hex. The key itself is never stored.
  session_key_hash TEXT,
  initial_queue_pos INTEGER NOT NULL DEFAULT 0,
  alert_level INTEGER NOT NULL DEFAULT 0,
  rank INTEGER NOT NULL DEFAULT 0,
  -- ChatSessionFlags as a bit mask.
  flags INTEGER NOT NULL DEFAULT 0,
  contact TEXT,
  project TEXT,
  sale TEXT,
  ticket TEXT,
  transfer_to_id INTEGER REFERENCES associate (id),
  updated_at INTEGER NOT NULL
);

INSERT INTO chat_session_new
SELECT id, topic_id,
       CASE WHEN user_id IN (SELECT id FROM associate) THEN user_id END,
       person, customer_alias, customer_host, customer_name, customer_email, customer_phone,
       customer_consented, customer_company_name, status, first_message, last_message,
       when_requested, when_started, when_ended, when_idle, when_fetched, session_key_hash,
       initial_queue_pos, alert_level, rank, flags, contact, project, sale, ticket,
       CASE WHEN transfer_to_id IN (SELECT id FROM associate) THEN transfer_to_id END,
       updated_at
FROM chat_session;

DELETE FROM sqlite_sequence WHERE name = 'chat_session_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'chat_session_new', seq FROM sqlite_sequence WHERE name = 'chat_session';

-- Dropping the table drops its triggers first, so the queue counter is not touched.
DROP TABLE chat_session;
ALTER TABLE chat_session_new RENAME TO chat_session;

CREATE INDEX chat_session_topic_status ON chat_session (topic_id, status);

CREATE TRIGGER chat_session_queue_insert AFTER INSERT ON chat_session WHEN NEW.status = 4
BEGIN
  UPDATE chat_queue SET waiting = waiting + 1 WHERE topic_id = NEW.topic_id;
END;

CREATE TRIGGER chat_session_queue_delete AFTER DELETE ON chat_session WHEN OLD.status = 4
BEGIN
  UPDATE chat_queue SET waiting = waiting - 1 WHERE topic_id = OLD.topic_id;
END;

CREATE TRIGGER chat_session_queue_update AFTER UPDATE OF status, topic_id ON chat_session
WHEN (OLD.status = 4 OR NEW.status = 4) AND (OLD.status <> NEW.status OR OLD.topic_id <> NEW.topic_id)
BEGIN
  UPDATE chat_queue SET waiting = waiting - 1 WHERE topic_id = OLD.topic_id AND OLD.status = 4;
  UPDATE chat_queue SET waiting = waiting + 1 WHERE topic_id = NEW.topic_id AND NEW.status = 4;
END;
