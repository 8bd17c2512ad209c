-- Who may do what in a topic (SuperOffice's ChatTopicAgent): listen in on its chats, respond
-- to them, manage them (take over, transfer, set who is in the topic), and be notified.
CREATE TABLE chat_topic_agent (
  topic_id INTEGER NOT NULL REFERENCES chat_topic (id) ON DELETE CASCADE,
  associate_id INTEGER NOT NULL REFERENCES associate (id) ON DELETE CASCADE,
  can_listen INTEGER NOT NULL DEFAULT 0 CHECK (can_listen IN (0, 1)),
  can_respond INTEGER NOT NULL DEFAULT 0 CHECK (can_respond IN (0, 1)),
  can_manage INTEGER NOT NULL DEFAULT 0 CHECK (can_manage IN (0, 1)),
  can_notify INTEGER NOT NULL DEFAULT 0 CHECK (can_notify IN (0, 1)),
  PRIMARY KEY (topic_id, associate_id)
) WITHOUT ROWID;
CREATE INDEX chat_topic_agent_associate ON chat_topic_agent (associate_id);

-- Before topics had members every agent could do everything in every topic: it still can.
INSERT INTO chat_topic_agent (topic_id, associate_id, can_listen, can_respond, can_manage, can_notify)
SELECT t.id, a.id, 1, 1, 1, 1 FROM chat_topic t, associate a;

-- Whether an agent is there to take chats (ChatPresence); away agents can still respond.
ALTER TABLE associate ADD COLUMN chat_present INTEGER NOT NULL DEFAULT 1 CHECK (chat_present IN (0, 1));
