-- What agents set per topic, and what the widget shows and asks for.
ALTER TABLE chat_topic ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN welcome_message TEXT NOT NULL DEFAULT '';
-- An ISO 639 language code for the topic's visitors ('' for the page's or browser's).
ALTER TABLE chat_topic ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- ChatTopicWidgetRequiredFields as a bit mask: Email 1, Name 2, Company 4, Phone 8.
ALTER TABLE chat_topic ADD COLUMN widget_required_fields INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN widget_welcome_title TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_welcome_message TEXT NOT NULL DEFAULT '';
-- '#rrggbb', or '' for the widget's own accent colour.
ALTER TABLE chat_topic ADD COLUMN widget_color TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_consent_text TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_privacy_policy_url TEXT NOT NULL DEFAULT '';
