-- The number of sessions waiting (status InQueue = 4) per topic, kept by triggers in the same
-- transaction as every change to a session, so a new session's queue position is one read
-- however many sessions the database holds, whichever process or statement changes them.
CREATE TABLE chat_queue (
  topic_id INTEGER PRIMARY KEY REFERENCES chat_topic (id) ON DELETE CASCADE,
  waiting INTEGER NOT NULL DEFAULT 0
);

INSERT INTO chat_queue (topic_id, waiting)
SELECT t.id, (SELECT count(*) FROM chat_session s WHERE s.topic_id = t.id AND s.status = 4)
FROM chat_topic t;

CREATE TRIGGER chat_topic_add_queue AFTER INSERT ON chat_topic
BEGIN
  INSERT INTO chat_queue (topic_id) VALUES (NEW.id);
END;

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
