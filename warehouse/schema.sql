-- medparole warehouse: the current schema, in full. A fresh warehouse is built from this file and marked with
-- every migration; an older one is brought here by migrations/NNNN_*.sql, applied in order once each.

CREATE TABLE IF NOT EXISTS applied_migrations (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per distinct file content (SHA-256 of its bytes), whatever its name or folder.
CREATE TABLE IF NOT EXISTS documents (
    sha256               VARCHAR PRIMARY KEY,
    media_type           VARCHAR NOT NULL,
    byte_size            BIGINT,
    status               VARCHAR NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
    error_code           VARCHAR,
    error_message        VARCHAR,
    doc_type             VARCHAR NOT NULL CHECK (doc_type IN ('parole_decision', 'medical_letter', 'other')),
    doc_type_confidence  DOUBLE,
    language             VARCHAR,
    pages                INTEGER NOT NULL DEFAULT 0,
    ocr_pages            INTEGER NOT NULL DEFAULT 0,
    extractor_version    VARCHAR NOT NULL,
    first_seen_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    extracted_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Where each document was seen: a renamed or moved file adds a row here and keeps its identity.
CREATE TABLE IF NOT EXISTS document_sources (
    sha256       VARCHAR NOT NULL,
    source_path  VARCHAR NOT NULL,
    file_name    VARCHAR NOT NULL,
    seen_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (sha256, source_path)
);

-- Text once, NLP many times: each page's text as read (OCR included), offsets into the joined text.
CREATE TABLE IF NOT EXISTS pages (
    sha256        VARCHAR NOT NULL,
    page_number   INTEGER NOT NULL,
    start_offset  INTEGER NOT NULL,
    text          VARCHAR NOT NULL,
    ocr           BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (sha256, page_number)
);

-- Every fact, grounded: text = document_text[start_offset:end_offset].
CREATE TABLE IF NOT EXISTS facts (
    sha256             VARCHAR NOT NULL,
    fact_index         INTEGER NOT NULL,
    field              VARCHAR NOT NULL,
    value              VARCHAR NOT NULL,
    value_type         VARCHAR NOT NULL CHECK (value_type IN ('string', 'number', 'boolean')),
    value_number       DOUBLE,
    text               VARCHAR NOT NULL,
    page               INTEGER,
    start_offset       INTEGER NOT NULL,
    end_offset         INTEGER NOT NULL,
    confidence         DOUBLE,
    attributes         JSON,
    extractor_version  VARCHAR NOT NULL,
    PRIMARY KEY (sha256, fact_index)
);

-- The run ledger: one row per flow run, with its counts.
CREATE TABLE IF NOT EXISTS runs (
    run_id             VARCHAR PRIMARY KEY,
    flow               VARCHAR NOT NULL,
    started_at         TIMESTAMP NOT NULL,
    finished_at        TIMESTAMP,
    status             VARCHAR NOT NULL DEFAULT 'running',
    seen               INTEGER NOT NULL DEFAULT 0,
    new                INTEGER NOT NULL DEFAULT 0,
    skipped            INTEGER NOT NULL DEFAULT 0,
    failed             INTEGER NOT NULL DEFAULT 0,
    pages              INTEGER NOT NULL DEFAULT 0,
    duration_s         DOUBLE,
    extractor_version  VARCHAR
);

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

-- What each input file looked like when it was last hashed, so a re-run need not read it again to know its
-- content (pipeline/staging.py). Not a fact about any document: nothing but staging reads it.
CREATE TABLE IF NOT EXISTS file_stats (
    path          VARCHAR PRIMARY KEY,   -- the file's real path, as the ingest found it
    device        UBIGINT NOT NULL,
    inode         UBIGINT NOT NULL,
    byte_size     BIGINT NOT NULL,
    mtime_ns      BIGINT NOT NULL,
    ctime_ns      BIGINT NOT NULL,
    sha256        VARCHAR NOT NULL,
    hashed_at_ns  BIGINT NOT NULL        -- when it was read: a change within the clock's step of it is not trusted
);
