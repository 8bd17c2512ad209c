-- A topic's SuperOffice settings for when nobody can answer and when the chat is over:
-- opening hours in the topic's time zone (times of day in seconds since midnight), the
-- offline form, the queue's own text and when to offer leaving a message instead, and the
-- post-chat form (rating, transcript). Weekdays 08:00-16:00 until a manager says otherwise;
-- the hours apply only once OpeningHoursEnabled is set.
ALTER TABLE chat_topic ADD COLUMN widget_offline_header text NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_offline_message text NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_offline_fields integer NOT NULL DEFAULT 1;
ALTER TABLE chat_topic ADD COLUMN widget_post_form_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN widget_post_form_header text NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_post_form_message text NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN widget_post_transcript_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN custom_queue_text_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE chat_topic ADD COLUMN custom_queue_text text NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN opening_hours_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE chat_topic ADD COLUMN opening_hours_time_zone text NOT NULL DEFAULT '';
ALTER TABLE chat_topic ADD COLUMN opening_hours_mon_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN opening_hours_mon_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_mon_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_tue_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN opening_hours_tue_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_tue_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_wed_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN opening_hours_wed_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_wed_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_thu_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN opening_hours_thu_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_thu_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_fri_enabled boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN opening_hours_fri_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_fri_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sat_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sat_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sat_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sun_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sun_start integer NOT NULL DEFAULT 28800;
ALTER TABLE chat_topic ADD COLUMN opening_hours_sun_stop integer NOT NULL DEFAULT 57600;
ALTER TABLE chat_topic ADD COLUMN opening_hours_use_lunch_hours boolean NOT NULL DEFAULT false;
ALTER TABLE chat_topic ADD COLUMN opening_hours_lunch_start integer NOT NULL DEFAULT 41400;
ALTER TABLE chat_topic ADD COLUMN opening_hours_lunch_stop integer NOT NULL DEFAULT 43200;
ALTER TABLE chat_topic ADD COLUMN offline_collect_consent boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN use_queue_offline_form boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN offline_form_time_limit integer NOT NULL DEFAULT 5;
ALTER TABLE chat_topic ADD COLUMN offline_form_queue_length integer NOT NULL DEFAULT 0;
ALTER TABLE chat_topic ADD COLUMN widget_enable_rating boolean NOT NULL DEFAULT true;
ALTER TABLE chat_topic ADD COLUMN widget_rating_text text NOT NULL DEFAULT '';
