-- Agents (SuperOffice associates): the people and integrations that answer chats.
CREATE TABLE associate (
  id INTEGER PRIMARY KEY,
  user_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  full_name TEXT NOT NULL DEFAULT '',
  -- scrypt$N$r$p$salt$hash, both base64url; NULL for an agent that signs in by token only.
  password_hash TEXT,
  person_id INTEGER NOT NULL DEFAULT 0,
  rank INTEGER NOT NULL DEFAULT 0,
  group_idx INTEGER NOT NULL DEFAULT 0,
  ej_user_id INTEGER NOT NULL DEFAULT 0,
  -- SuperOffice's AssociateType name: an agent here is an "Employee".
  type TEXT NOT NULL DEFAULT 'Employee',
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  created_at INTEGER NOT NULL
);

-- Bearer tokens, SOTicket tickets and browser sessions. Only a SHA-256 of each secret is kept.
CREATE TABLE credential (
  secret_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('token', 'ticket', 'session')),
  associate_id INTEGER NOT NULL REFERENCES associate (id) ON DELETE CASCADE,
  -- For browser sessions: the SHA-256 of the XSRF token the browser must echo.
  xsrf_hash TEXT,
  created_at INTEGER NOT NULL,
  -- NULL: does not expire (Bearer tokens until revoked).
  expires_at INTEGER
);
CREATE INDEX credential_associate ON credential (associate_id);
