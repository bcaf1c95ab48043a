-- +goose Up
-- Console sign-in (issue 11): a user may have a login name and a password
-- (bcrypt), and a signed-in browser holds a server-side session whose
-- token is kept only as its SHA-256 hash, like API tokens. Users created
-- before have no login until an operator sets a password.
ALTER TABLE users ADD COLUMN login text UNIQUE;
ALTER TABLE users ADD COLUMN password_hash bytea;

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN password_hash;
ALTER TABLE users DROP COLUMN login;
