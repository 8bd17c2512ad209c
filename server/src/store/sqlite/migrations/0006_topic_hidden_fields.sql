-- The pre-chat form fields a topic leaves out, as a mask of ChatWidgetFields (Email 1, Name 2,
-- Company 4, Phone 8, Alias 32, Message 64). The company is left out unless a topic asks for it.
ALTER TABLE chat_topic ADD COLUMN widget_hidden_fields INTEGER NOT NULL DEFAULT 4;
