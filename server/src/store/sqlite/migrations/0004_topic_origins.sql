-- Origins (scheme://host[:port]) whose pages may request chats in a topic, separated by
-- spaces. The default topic also takes those in CHAT_ALLOWED_ORIGINS.
ALTER TABLE chat_topic ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '';
