-- What happens when nobody can answer and when the chat is over: the visitor's rating and its
-- comment, and the requests visitors leave (through the offline form, or from the queue
-- instead of waiting) with who handled them. Indexed so that neither the list of requests,
-- the ratings, nor the sweep for gone visitors reads the whole history.
ALTER TABLE chat_session ADD COLUMN rating integer NOT NULL DEFAULT 0;
ALTER TABLE chat_session ADD COLUMN rating_comment text;
ALTER TABLE chat_session ADD COLUMN when_rated bigint;
ALTER TABLE chat_session ADD COLUMN request_left_at bigint;
ALTER TABLE chat_session ADD COLUMN request_handled_at bigint;
ALTER TABLE chat_session ADD COLUMN request_handled_by integer;
CREATE INDEX chat_session_requests ON chat_session (request_left_at) WHERE request_left_at IS NOT NULL;
CREATE INDEX chat_session_rated ON chat_session (topic_id, when_rated) WHERE rating > 0;
CREATE INDEX chat_session_open ON chat_session (status) WHERE status IN (4, 5, 6);
CREATE INDEX chat_session_started ON chat_session (topic_id, when_started) WHERE when_started IS NOT NULL;
