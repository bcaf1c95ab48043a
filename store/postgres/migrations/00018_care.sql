-- +goose Up
-- Proactive care (SPEC §8, issue 14). A customer may be a member, may have
-- opted out of proactive messages (on any channel, for every channel), and
-- may carry the contact and language an import gave. Purchases come from
-- cases and imports; each planned touchpoint is a row (unique per customer,
-- touchpoint and cause) with a River job, and keeps its outcome.
ALTER TABLE customers ADD COLUMN member boolean NOT NULL DEFAULT false;
ALTER TABLE customers ADD COLUMN opted_out_at timestamptz;
ALTER TABLE customers ADD COLUMN opt_out_via text NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone text NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN email text NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN language text NOT NULL DEFAULT '';
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_email ON customers (email);

CREATE TABLE purchases (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id),
    product      text NOT NULL DEFAULT '',
    model        text NOT NULL DEFAULT '',
    purchased_on date NOT NULL,
    source       text NOT NULL CHECK (source IN ('case', 'import')),
    case_id      bigint REFERENCES cases (id),
    created_at   timestamptz NOT NULL,
    UNIQUE (customer_id, model, purchased_on)
);

CREATE TABLE care_touchpoints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customers (id),
    touchpoint      text NOT NULL,
    cause           text NOT NULL,
    case_id         bigint REFERENCES cases (id),
    purchase_id     bigint REFERENCES purchases (id),
    due_at          timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'sent', 'answered', 'done', 'skipped')),
    conversation_id bigint,
    sent_at         timestamptz,
    answered_at     timestamptz,
    outcome         text NOT NULL DEFAULT '',
    plan_sig        text NOT NULL DEFAULT '', -- the touchpoint's definition when it was planned
    note            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
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
