-- +goose Up
-- The customer archive (客户档案, issue 11): verified contacts of cases,
-- which match a new case to an existing customer, and merges of two
-- customers, each a record of who merged, when, why and what moved, so it
-- can be undone. A merged customer keeps its row and points to the one it
-- went into. Contacts are stored normalized: an email in lower case, a
-- phone as its digits without a +86 prefix.
ALTER TABLE customers ADD COLUMN merged_into bigint REFERENCES customers (id);

CREATE TABLE case_contacts (
    case_id    bigint NOT NULL REFERENCES cases (id),
    kind       text NOT NULL CHECK (kind IN ('phone', 'email')),
    value      text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, kind, value)
);
CREATE INDEX case_contacts_value ON case_contacts (kind, value);

CREATE TABLE customer_merges (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    into_id    bigint NOT NULL REFERENCES customers (id),
    from_id    bigint NOT NULL REFERENCES customers (id),
    actor      text NOT NULL,
    reason     text NOT NULL DEFAULT '',
    moved      jsonb NOT NULL, -- {"identities": [...], "conversations": [...], "cases": [...]}
    created_at timestamptz NOT NULL,
    undone_by  text NOT NULL DEFAULT '',
    undone_at  timestamptz
);
CREATE INDEX customer_merges_into ON customer_merges (into_id);
CREATE INDEX customer_merges_from ON customer_merges (from_id);

-- Cases registered before count as verified unless the bot filed them for
-- a handoff, before the customer confirmed anything.
INSERT INTO case_contacts (case_id, kind, value, created_at)
SELECT id, 'email', lower(trim(fields->>'email')), created_at FROM cases
WHERE strpos(COALESCE(fields->>'email', ''), '@') > 0
    AND NOT EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = cases.id AND h.action = 'registered' AND h.reason LIKE 'handoff:%')
ON CONFLICT DO NOTHING;
INSERT INTO case_contacts (case_id, kind, value, created_at)
SELECT id, 'phone', CASE WHEN length(d) = 13 AND substr(d, 1, 3) = '861' THEN substr(d, 3) ELSE d END, created_at
FROM (SELECT id, created_at, regexp_replace(COALESCE(fields->>'phone', ''), '[^0-9]', '', 'g') AS d
    FROM cases
    WHERE NOT EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = cases.id AND h.action = 'registered' AND h.reason LIKE 'handoff:%')) AS p
WHERE length(d) >= 7
ON CONFLICT DO NOTHING;

-- +goose Down
DROP TABLE customer_merges;
DROP TABLE case_contacts;
ALTER TABLE customers DROP COLUMN merged_into;
