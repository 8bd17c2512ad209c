-- A topic's SuperOffice settings for when nobody can answer and when the chat is over:
-- opening hours in the topic's time zone (times of day in seconds since midnight), the
-- offline form, the queue's own text and when to offer leaving a message instead, and the
-- post-chat form (rating, transcript). Weekdays 08:00-16:00 until a manager says otherwise;
-- the hours apply only once OpeningHoursEnabled is set.
ALTER TABLE chat_topic ADD COLUMN widget_offline_header TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_offline_message TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_offline_fields INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN widget_post_form_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN widget_post_form_header TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_post_form_message TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_post_transcript_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN custom_queue_text_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN custom_queue_text TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN opening_hours_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN opening_hours_time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN opening_hours_mon_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN opening_hours_mon_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_mon_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_tue_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN opening_hours_tue_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_tue_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_wed_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN opening_hours_wed_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_wed_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_thu_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN opening_hours_thu_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_thu_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_fri_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN opening_hours_fri_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_fri_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sat_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sat_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sat_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sun_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sun_start INTEGER NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sun_stop INTEGER NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_use_lunch_hours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN opening_hours_lunch_start INTEGER NOT NULL DEFAULT 41400;
ALTER TABLE chat_topic ADD COLUMN opening_hours_lunch_stop INTEGER NOT NULL DEFAULT 43200;
ALTER TABLE chat_topic ADD COLUMN offline_collect_consent INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN use_queue_offline_form INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN offline_form_time_limit INTEGER NOT NULL DEFAULT 5;
ALTER TABLE chat_topic ADD COLUMN offline_form_queue_length INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN widget_enable_rating INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN widget_rating_text TEXT NOT NULL DEFAULT '';
