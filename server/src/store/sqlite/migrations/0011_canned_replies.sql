-- Replies an agent picks instead of typing them, per topic (ours: SuperOffice has none for
-- chat). They go with their topic.
CREATE TABLE chat_canned_reply (
  id INTEGER PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES chat_topic (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- The name folded to lower case by the server (chatline_fold, for every alphabet: NOCASE folds
  -- ASCII only): unique per topic in any case, and the list's order, read from this index.
  name_key TEXT NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (topic_id, name_key)
);
