-- +goose Up
-- Proactive care (SPEC §8, issue 14). A customer may be a member, may have
-- opted out of proactive messages (on any channel, for every channel), and
-- may carry the contact and language an import gave. Purchases come from
-- cases and imports; each planned touchpoint is a row (unique per customer,
-- touchpoint and cause) with a River job, and keeps its outcome.
ALTER TABLE customers ADD COLUMN member INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN opted_out_at TEXT;
ALTER TABLE customers ADD COLUMN opt_out_via TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_email ON customers (email);

CREATE TABLE purchases (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    product      TEXT NOT NULL DEFAULT '',
    model        TEXT NOT NULL DEFAULT '',
    purchased_on TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('case', 'import')),
    case_id      INTEGER REFERENCES cases (id),
    created_at   TEXT NOT NULL,
    UNIQUE (customer_id, model, purchased_on)
);

CREATE TABLE care_touchpoints (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    touchpoint      TEXT NOT NULL,
    cause           TEXT NOT NULL,
    case_id         INTEGER REFERENCES cases (id),
    purchase_id     INTEGER REFERENCES purchases (id),
    due_at          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'sent', 'answered', 'done', 'skipped')),
    conversation_id INTEGER,
    sent_at         TEXT,
    answered_at     TEXT,
    outcome         TEXT NOT NULL DEFAULT '',
    plan_sig        TEXT NOT NULL DEFAULT '', -- the touchpoint's definition when it was planned
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (customer_id, touchpoint, cause)
);
CREATE INDEX care_touchpoints_sent ON care_touchpoints (customer_id, sent_at);
CREATE INDEX care_touchpoints_case ON care_touchpoints (case_id);
CREATE INDEX care_touchpoints_planned ON care_touchpoints (touchpoint) WHERE status = 'planned';

-- +goose Down
DROP TABLE care_touchpoints;
DROP TABLE purchases;
DROP INDEX customers_email;
DROP INDEX customers_phone;
ALTER TABLE customers DROP COLUMN language;
ALTER TABLE customers DROP COLUMN email;
ALTER TABLE customers DROP COLUMN phone;
ALTER TABLE customers DROP COLUMN opt_out_via;
ALTER TABLE customers DROP COLUMN opted_out_at;
ALTER TABLE customers DROP COLUMN member;
