-- Chat topics: what a visitor asks about. Settings the widget reads come with later migrations.
CREATE TABLE chat_topic (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  -- The visitor must consent to storing their details before a chat starts.
  collect_consent INTEGER NOT NULL DEFAULT 1 CHECK (collect_consent IN (0, 1))
);

-- Every empty database starts with one topic, so the widget works at once.
INSERT INTO chat_topic (id, name) VALUES (1, 'General');

-- Chat sessions. Columns follow the field table in shared/src/fields.ts.
-- AUTOINCREMENT: an id is never handed out twice, even after the newest session is deleted.
CREATE TABLE chat_session (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic_id INTEGER NOT NULL REFERENCES chat_topic (id),
  user_id INTEGER,
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
  transfer_to_id INTEGER,
  updated_at INTEGER NOT NULL
);

-- The queue count (sessions InQueue in a topic) reads this index only.
CREATE INDEX chat_session_topic_status ON chat_session (topic_id, status);
