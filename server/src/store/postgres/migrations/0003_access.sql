-- Taking access back, and a record of sign-ins.

-- When a credential was last presented (to the minute), for the list of an agent's tokens.
ALTER TABLE credential ADD COLUMN last_used_at bigint;

-- The counts that throttle password guessing, by account (a SHA-256 of the folded user name,
-- whether or not an agent has it) and client address; the address '' counts from anywhere.
CREATE TABLE sign_in_count (
  account text NOT NULL,
  address text NOT NULL,
  failures integer NOT NULL,
  since bigint NOT NULL,
  last_failure_at bigint,
  pending integer NOT NULL,
  pending_at bigint,
  last_success_at bigint,
  PRIMARY KEY (account, address)
);

-- Each agent's last sign-ins and changes to its access; the same event again counts up.
CREATE TABLE sign_in_event (
  id bigserial PRIMARY KEY,
  associate_id integer NOT NULL REFERENCES associate (id) ON DELETE CASCADE,
  at bigint NOT NULL,
  kind text NOT NULL,
  method text,
  address text,
  request_id text,
  count integer NOT NULL DEFAULT 1
);
CREATE INDEX sign_in_event_associate ON sign_in_event (associate_id, id);
