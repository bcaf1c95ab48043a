-- +goose Up
-- Console sign-in (issue 11): a user may have a login name and a password
-- (bcrypt), and a signed-in browser holds a server-side session whose
-- token is kept only as its SHA-256 hash, like API tokens. Users created
-- before have no login until an operator sets a password.
ALTER TABLE users ADD COLUMN login TEXT;
ALTER TABLE users ADD COLUMN password_hash BLOB;
CREATE UNIQUE INDEX users_login ON users (login);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP INDEX users_login;
ALTER TABLE users DROP COLUMN password_hash;
ALTER TABLE users DROP COLUMN login;
