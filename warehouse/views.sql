-- Views the dashboard and exports read; recreated on every writer connection, so they always match the code.

CREATE OR REPLACE VIEW document_list AS
SELECT
    d.sha256,
    coalesce(s.file_name, d.sha256) AS file_name,
    d.doc_type,
    d.language,
    d.media_type,
    d.status,
    d.error_code,
    d.error_message,
    d.pages,
    d.ocr_pages,
    (SELECT count(*) FROM facts f WHERE f.sha256 = d.sha256) AS facts,
    d.extracted_at
FROM documents d
LEFT JOIN (
    SELECT sha256, min(file_name) AS file_name FROM document_sources GROUP BY sha256
) s USING (sha256);

CREATE OR REPLACE VIEW fact_list AS
SELECT
    f.sha256,
    dl.file_name,
    dl.doc_type,
    dl.language,
    f.fact_index,
    f.field,
    f.value,
    f.text,
    f.page,
    f.start_offset,
    f.end_offset,
    f.confidence,
    CAST(f.attributes AS VARCHAR) AS attributes
FROM facts f
JOIN document_list dl USING (sha256);
