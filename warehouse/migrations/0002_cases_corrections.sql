-- Cases, case linking and corrections: new tables only, so an existing warehouse upgrades in place.

-- Cases: one person's parole matter. warehouse/cases.py links documents into cases (union-find over shared
-- A-numbers, receipt numbers, MRNs, and name plus date of birth) and keeps case ids stable across re-runs.
CREATE TABLE IF NOT EXISTS cases (
    case_id     VARCHAR PRIMARY KEY,          -- HMAC-derived when first created, then kept
    pseudonym   VARCHAR NOT NULL UNIQUE,      -- what exports and the shared view show: case-7f3a9c
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Which case each document belongs to (one case a document) and the strongest reason it joined it.
CREATE TABLE IF NOT EXISTS case_documents (
    sha256       VARCHAR PRIMARY KEY,
    case_id      VARCHAR NOT NULL,
    link_reason  VARCHAR NOT NULL CHECK (
        link_reason IN ('a_number', 'receipt_number', 'name_dob', 'mrn', 'name_only', 'alone')
    )
);

-- The evidence of linking: each pair of documents whose link merged two groups, and why.
CREATE TABLE IF NOT EXISTS case_links (
    case_id   VARCHAR NOT NULL,
    sha256_a  VARCHAR NOT NULL,
    sha256_b  VARCHAR NOT NULL,
    reason    VARCHAR NOT NULL,
    PRIMARY KEY (sha256_a, sha256_b)
);

-- Corrections, copied from their own store (SQLite, written by the dashboard) before every publish.
-- fact_key = sha256:field:start:end for an extracted fact, sha256:field:add:<correction_id> for an added one,
-- so a correction survives re-extraction (fact_index may change, the span of the same text does not).
CREATE TABLE IF NOT EXISTS corrections (
    correction_id   VARCHAR PRIMARY KEY,
    created_at      TIMESTAMP NOT NULL,
    author          VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    field           VARCHAR NOT NULL,
    start_offset    INTEGER,
    end_offset      INTEGER,
    fact_key        VARCHAR NOT NULL,
    action          VARCHAR NOT NULL CHECK (action IN ('confirm', 'edit', 'reject', 'add')),
    old_value       VARCHAR,
    new_value       VARCHAR,
    new_attributes  VARCHAR,
    reason          VARCHAR
);
