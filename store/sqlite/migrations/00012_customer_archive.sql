-- +goose Up
-- The customer archive (客户档案, issue 11): verified contacts of cases,
-- which match a new case to an existing customer, and merges of two
-- customers, each a record of who merged, when, why and what moved, so it
-- can be undone. A merged customer keeps its row and points to the one it
-- went into. Contacts are stored normalized: an email in lower case, a
-- phone as its digits without a +86 prefix.
ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers (id);

CREATE TABLE case_contacts (
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, value)
);
CREATE INDEX case_contacts_value ON case_contacts (kind, value);

CREATE TABLE customer_merges (
    id         INTEGER PRIMARY KEY,
    into_id    INTEGER NOT NULL REFERENCES customers (id),
    from_id    INTEGER NOT NULL REFERENCES customers (id),
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    moved      TEXT NOT NULL, -- {"identities": [...], "conversations": [...], "cases": [...]}
    created_at TEXT NOT NULL,
    undone_by  TEXT NOT NULL DEFAULT '',
    undone_at  TEXT
);
CREATE INDEX customer_merges_into ON customer_merges (into_id);
CREATE INDEX customer_merges_from ON customer_merges (from_id);

-- Cases registered before count as verified unless the bot filed them for
-- a handoff, before the customer confirmed anything.
INSERT OR IGNORE INTO case_contacts (case_id, kind, value, created_at)
SELECT id, 'email', lower(trim(json_extract(fields, '$.email'))), created_at FROM cases
WHERE instr(COALESCE(json_extract(fields, '$.email'), ''), '@') > 0
    AND NOT EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = cases.id AND h.action = 'registered' AND h.reason LIKE 'handoff:%');
INSERT OR IGNORE INTO case_contacts (case_id, kind, value, created_at)
SELECT id, 'phone', CASE WHEN length(d) = 13 AND substr(d, 1, 3) = '861' THEN substr(d, 3) ELSE d END, created_at
FROM (SELECT id, created_at, replace(replace(replace(replace(replace(
        COALESCE(json_extract(fields, '$.phone'), ''), ' ', ''), '-', ''), '+', ''), '(', ''), ')', '') AS d
    FROM cases
    WHERE NOT EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = cases.id AND h.action = 'registered' AND h.reason LIKE 'handoff:%'))
WHERE length(d) >= 7;

-- +goose Down
DROP TABLE customer_merges;
DROP TABLE case_contacts;
ALTER TABLE customers DROP COLUMN merged_into;
