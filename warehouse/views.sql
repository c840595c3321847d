-- Views the dashboard and exports read; recreated on every writer connection, so they always match the code.
--
-- Tables computed once at publish: document_names, document_list, case_conflicts, case_rollup, case_identities and
-- review_items are views over their `_live` definitions here, and tables in the published copy
-- (warehouse/rollups.py), so a filter change reads one row a case instead of re-aggregating every fact. `_live`
-- views only ever read other `_live` views and base tables. Whatever depends on today's date is computed on read
-- (case_summary, deadlines), never stored.

-- The name each document was first seen under (its SHA-256 when none was recorded): what lists and queues show,
-- without document_list's count of facts, which costs a pass over every fact.
CREATE OR REPLACE VIEW document_names_live AS
SELECT d.sha256, coalesce(s.file_name, d.sha256) AS file_name
FROM documents d
LEFT JOIN (
    SELECT sha256, min(file_name) AS file_name FROM document_sources GROUP BY sha256
) s USING (sha256);

CREATE OR REPLACE VIEW document_names AS SELECT * FROM document_names_live;

CREATE OR REPLACE VIEW document_list_live AS
SELECT
    d.sha256,
    n.file_name,
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
JOIN document_names_live n USING (sha256);

CREATE OR REPLACE VIEW document_list AS SELECT * FROM document_list_live;

CREATE OR REPLACE VIEW fact_list AS
SELECT
    f.sha256,
    n.file_name,
    d.doc_type,
    d.language,
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
JOIN documents d USING (sha256)
JOIN document_names n USING (sha256);

-- ICD-10-CM chapters by code range (first three characters compared as text: 'C00' <= code < 'D50').
CREATE OR REPLACE VIEW icd10_chapters AS
SELECT * FROM (VALUES
    (1, 'A00', 'B99', 'Certain infectious and parasitic diseases'),
    (2, 'C00', 'D49', 'Neoplasms'),
    (3, 'D50', 'D89', 'Diseases of the blood and immune mechanism'),
    (4, 'E00', 'E89', 'Endocrine, nutritional and metabolic diseases'),
    (5, 'F01', 'F99', 'Mental, behavioral and neurodevelopmental disorders'),
    (6, 'G00', 'G99', 'Diseases of the nervous system'),
    (7, 'H00', 'H59', 'Diseases of the eye and adnexa'),
    (8, 'H60', 'H95', 'Diseases of the ear and mastoid process'),
    (9, 'I00', 'I99', 'Diseases of the circulatory system'),
    (10, 'J00', 'J99', 'Diseases of the respiratory system'),
    (11, 'K00', 'K95', 'Diseases of the digestive system'),
    (12, 'L00', 'L99', 'Diseases of the skin and subcutaneous tissue'),
    (13, 'M00', 'M99', 'Diseases of the musculoskeletal system and connective tissue'),
    (14, 'N00', 'N99', 'Diseases of the genitourinary system'),
    (15, 'O00', 'O9A', 'Pregnancy, childbirth and the puerperium'),
    (16, 'P00', 'P96', 'Certain conditions originating in the perinatal period'),
    (17, 'Q00', 'Q99', 'Congenital malformations and chromosomal abnormalities'),
    (18, 'R00', 'R99', 'Symptoms, signs and abnormal findings not elsewhere classified'),
    (19, 'S00', 'T88', 'Injury, poisoning and other consequences of external causes'),
    (20, 'V00', 'Y99', 'External causes of morbidity'),
    (21, 'Z00', 'Z99', 'Factors influencing health status and contact with health services'),
    (22, 'U00', 'U85', 'Codes for special purposes')
) AS t(chapter, first_code, last_code, chapter_name);

-- The latest correction of each fact key wins (corrections are never deleted: the history stays).
CREATE OR REPLACE VIEW latest_corrections AS
SELECT * EXCLUDE (rn) FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.fact_key ORDER BY c.created_at DESC, c.correction_id DESC) AS rn
    FROM corrections c
) WHERE rn = 1;

-- Facts as a person corrected them: rejected facts hidden, edited values replaced, added facts included,
-- confirmed ones marked. `extracted_value` keeps what the machine read, `correction` what a person did.
CREATE OR REPLACE VIEW corrected_facts AS
WITH keyed AS (
    SELECT f.*, f.sha256 || ':' || f.field || ':' || f.start_offset || ':' || f.end_offset AS fact_key
    FROM facts f
)
SELECT
    k.sha256,
    k.fact_index,
    k.field,
    CASE WHEN lc.action = 'edit' THEN lc.new_value ELSE k.value END AS value,
    k.value_type,
    CASE WHEN lc.action = 'edit' THEN TRY_CAST(lc.new_value AS DOUBLE) ELSE k.value_number END AS value_number,
    k.text,
    k.page,
    k.start_offset,
    k.end_offset,
    k.confidence,
    CASE WHEN lc.action = 'edit' AND lc.new_attributes IS NOT NULL THEN CAST(lc.new_attributes AS JSON)
         ELSE k.attributes END AS attributes,
    k.fact_key,
    k.value AS extracted_value,
    lc.action AS correction,
    lc.action IS NOT NULL AS reviewed
FROM keyed k
LEFT JOIN latest_corrections lc ON lc.fact_key = k.fact_key
WHERE lc.action IS DISTINCT FROM 'reject'
UNION ALL
-- A fact a person added: its first correction is an add; later ones may edit or reject it.
SELECT
    lc.sha256,
    NULL AS fact_index,
    lc.field,
    lc.new_value AS value,
    CASE WHEN TRY_CAST(lc.new_value AS DOUBLE) IS NOT NULL THEN 'number'
         WHEN lc.new_value IN ('true', 'false') THEN 'boolean' ELSE 'string' END AS value_type,
    TRY_CAST(lc.new_value AS DOUBLE) AS value_number,
    coalesce(lc.new_value, '') AS text,
    NULL AS page,
    lc.start_offset,
    lc.end_offset,
    1.0 AS confidence,
    CAST(coalesce(lc.new_attributes, '{}') AS JSON) AS attributes,
    lc.fact_key,
    NULL AS extracted_value,
    'add' AS correction,
    true AS reviewed
FROM latest_corrections lc
WHERE lc.action IN ('add', 'edit', 'confirm')
  AND lc.fact_key IN (SELECT fact_key FROM corrections WHERE action = 'add')
  AND lc.fact_key NOT IN (
      SELECT f.sha256 || ':' || f.field || ':' || f.start_offset || ':' || f.end_offset FROM facts f
  );

-- Facts with their case, document type and language.
CREATE OR REPLACE VIEW case_facts AS
SELECT cd.case_id, c.pseudonym, cf.*, d.doc_type, d.language, d.status AS document_status
FROM corrected_facts cf
JOIN case_documents cd USING (sha256)
JOIN cases c USING (case_id)
JOIN documents d USING (sha256);

-- Per document of a case, its dates by role (the first date of each role in the document).
-- `dated` orders a case's documents: the decision date, else the document's own date, else the termination's.
CREATE OR REPLACE VIEW case_document_dates AS
SELECT
    cd.case_id,
    cd.sha256,
    d.doc_type,
    min(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'filed') AS filed,
    min(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'decision') AS decision,
    min(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'document') AS document,
    max(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'parole_start') AS parole_start,
    max(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'parole_end') AS parole_end,
    max(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'termination_effective')
        AS termination_effective,
    coalesce(
        min(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'decision'),
        min(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'document'),
        max(TRY_CAST(f.value AS DATE)) FILTER (WHERE f.attributes ->> 'role' = 'termination_effective')
    ) AS dated
FROM case_documents cd
JOIN documents d USING (sha256)
LEFT JOIN corrected_facts f ON f.sha256 = cd.sha256 AND f.field = 'date'
GROUP BY cd.case_id, cd.sha256, d.doc_type;

-- Fields that must agree across a case's documents, and the values that disagree: shown, never resolved.
-- Names disagree when neither is contained in the other once accents, case, punctuation and order are ignored
-- ("CASTRO, OSCAR" agrees with "Óscar Castro Zelaya"; "Oscar Castro" does not agree with "Ana Castro").
CREATE OR REPLACE VIEW case_conflicts_live AS
WITH single AS (
    SELECT case_id,
           CASE WHEN field = 'date' THEN 'date_of_birth'
                WHEN field = 'identifier' THEN 'a_number' ELSE field END AS field,
           value
    FROM case_facts
    WHERE (field = 'date' AND attributes ->> 'role' = 'birth')
       OR (field = 'identifier' AND attributes ->> 'kind' = 'a_number')
       OR field = 'country_of_origin'
),
names AS (
    SELECT DISTINCT case_id, value,
           list_sort(list_filter(
               string_split(regexp_replace(lower(strip_accents(value)), '[^a-z]+', ' ', 'g'), ' '),
               lambda t: t NOT IN ('', 'de', 'del', 'la', 'las', 'los', 'y')
           )) AS tokens
    FROM case_facts WHERE field = 'patient_name'
),
name_pairs AS (
    SELECT a.case_id, a.value AS a, b.value AS b
    FROM names a JOIN names b ON a.case_id = b.case_id AND a.value < b.value
    WHERE NOT list_has_all(a.tokens, b.tokens) AND NOT list_has_all(b.tokens, a.tokens)
)
SELECT case_id, field, list(DISTINCT value ORDER BY value) AS "values"
FROM single GROUP BY case_id, field HAVING count(DISTINCT value) > 1
UNION ALL
SELECT case_id, 'patient_name' AS field, list(DISTINCT v ORDER BY v) AS "values"
FROM (SELECT case_id, a AS v FROM name_pairs UNION ALL SELECT case_id, b FROM name_pairs)
GROUP BY case_id;

CREATE OR REPLACE VIEW case_conflicts AS SELECT * FROM case_conflicts_live;

-- Facts waiting for a person: below this confidence and not yet reviewed.
CREATE OR REPLACE MACRO low_confidence_threshold() AS 0.6;
-- A fact waits for review when below the threshold and not yet reviewed; dates with no role are left out (the
-- extractor gives every unroled date 0.5 and they feed no figure, so they would only bury the rest).
CREATE OR REPLACE MACRO needs_review_fact(confidence, reviewed, field, role) AS
    confidence < low_confidence_threshold() AND NOT reviewed
    AND NOT (field = 'date' AND coalesce(role, 'other') = 'other');

-- One row per case: what the dashboard filters on. Rules (written here because the numbers depend on them):
-- * latest outcome: the outcome stated by the case's latest decision document (documents other than medical
--   letters first, then by the document's decision date, else its own date, newest first; then confidence);
-- * decision date and days to decision: that document's decision date (for a decision notice whose text gives
--   none, the notice's own date; none while pending), minus its filed date (else the case's earliest filed
--   date); filed_date is the case's earliest filed date (when the family first asked);
-- * parole start / end / duration: the latest stated anywhere in the case (a re-parole extends them);
-- * primary diagnosis: among diagnoses asserted present, the one stated in most documents, then with the
--   highest confidence, then alphabetically; its ICD-10 code is the one most often attached to it;
-- * age: from a single, agreed date of birth at the earliest filed date (else today); else the highest stated age;
-- * country, legal organisation: the value stated in most documents (disagreement on country shows in conflicts);
-- * facility: the most mentioned facility in a US state (two-letter state), else the most mentioned one;
-- * monthly home-care / inpatient cost: the highest monthly USD figure stated for that category;
-- * needs_review: a conflict, an unreviewed fact below low_confidence_threshold(), a partial or failed document,
--   or a case with no identity to link on. A document joined by name alone is listed in review_queue (weak_link)
--   and flagged in linked_by_name_only, but does not by itself mark the case: in the corpus most home-country
--   letters carry only the name, and flagging them all would drown the real problems.
-- case_rollup_live holds all of it but what changes with the day: the agreed date of birth and the stated age
-- stand in for age_years, and days_to_expiry is left to case_summary.
CREATE OR REPLACE VIEW case_rollup_live AS
WITH
docs AS (
    SELECT cd.case_id, count(*) AS documents,
           list(DISTINCT d.language ORDER BY d.language) FILTER (WHERE d.language IS NOT NULL) AS languages,
           bool_or(d.status <> 'ok') AS bad_documents,
           bool_or(cd.link_reason = 'name_only') AS weak_links,
           bool_and(cd.link_reason = 'alone') AS unlinked
    FROM case_documents cd JOIN documents d USING (sha256)
    GROUP BY cd.case_id
),
outcomes AS (
    SELECT * FROM (
        SELECT f.case_id, f.sha256, f.value AS outcome, dd.dated, dd.filed,
               -- A notice states a decision on the day it is issued: its own date is the decision date
               -- unless the text says when the decision was made; a pending request has none.
               CASE WHEN f.value <> 'pending'
                    THEN coalesce(dd.decision, CASE WHEN dd.doc_type = 'parole_decision' THEN dd.document END)
               END AS decision,
               row_number() OVER (
                   PARTITION BY f.case_id
                   ORDER BY (f.doc_type <> 'medical_letter') DESC, dd.dated DESC NULLS LAST, f.confidence DESC,
                            f.sha256
               ) AS rn
        FROM case_facts f LEFT JOIN case_document_dates dd USING (case_id, sha256)
        WHERE f.field = 'outcome'
    ) WHERE rn = 1
),
dates AS (
    SELECT case_id, min(filed) AS filed_date, max(parole_start) AS parole_start, max(parole_end) AS parole_end,
           max(termination_effective) AS termination_effective
    FROM case_document_dates GROUP BY case_id
),
births AS (
    SELECT case_id, min(TRY_CAST(value AS DATE)) AS birth_date, count(DISTINCT value) AS birth_dates
    FROM case_facts WHERE field = 'date' AND attributes ->> 'role' = 'birth' GROUP BY case_id
),
diagnoses AS (
    SELECT * FROM (
        SELECT case_id, value AS diagnosis, mode(attributes ->> 'icd10') AS icd10,
               row_number() OVER (
                   PARTITION BY case_id ORDER BY count(DISTINCT sha256) DESC, max(confidence) DESC, value
               ) AS rn
        FROM case_facts
        WHERE field = 'diagnosis' AND coalesce(attributes ->> 'assertion', 'present') = 'present'
        GROUP BY case_id, value
    ) WHERE rn = 1
),
facilities AS (
    SELECT * FROM (
        SELECT case_id, value AS facility, max(attributes ->> 'state') AS facility_state,
               row_number() OVER (
                   PARTITION BY case_id
                   ORDER BY bool_or(regexp_full_match(coalesce(attributes ->> 'state', ''), '[A-Z]{2}')) DESC,
                            count(DISTINCT sha256) DESC, count(*) DESC, value
               ) AS rn
        FROM case_facts WHERE field = 'facility' GROUP BY case_id, value
    ) WHERE rn = 1
),
modes AS (
    SELECT case_id,
           max(v) FILTER (WHERE field = 'country_of_origin' AND rn = 1) AS country,
           max(v) FILTER (WHERE field = 'legal_org' AND rn = 1) AS legal_org
    FROM (
        SELECT case_id, field, value AS v,
               row_number() OVER (PARTITION BY case_id, field ORDER BY count(DISTINCT sha256) DESC, value) AS rn
        FROM case_facts WHERE field IN ('country_of_origin', 'legal_org') GROUP BY case_id, field, value
    ) GROUP BY case_id
),
numbers AS (
    SELECT case_id,
           max(value_number) FILTER (WHERE field = 'age_years') AS stated_age,
           max(value_number) FILTER (WHERE field = 'parole_duration_months') AS parole_duration_months,
           max(TRY_CAST(attributes ->> 'monthly_usd' AS DOUBLE))
               FILTER (WHERE field = 'cost' AND attributes ->> 'category' = 'home_care') AS home_care_monthly_usd,
           max(TRY_CAST(attributes ->> 'monthly_usd' AS DOUBLE))
               FILTER (WHERE field = 'cost' AND attributes ->> 'category' = 'inpatient') AS inpatient_monthly_usd,
           bool_or(value = 'true') FILTER (WHERE field = 'treatment_unavailable_in_home_country')
               AS treatment_unavailable,
           count(*) FILTER (WHERE needs_review_fact(confidence, reviewed, field, attributes ->> 'role')) AS low_confidence_facts
    FROM case_facts GROUP BY case_id
),
conflicts AS (
    SELECT case_id, list(field ORDER BY field) AS conflicts FROM case_conflicts_live GROUP BY case_id
)
SELECT
    c.case_id,
    c.pseudonym,
    CASE WHEN b.birth_dates = 1 THEN b.birth_date END AS birth_date,
    n.stated_age,
    m.country,
    dg.diagnosis AS primary_diagnosis,
    dg.icd10,
    ch.chapter AS icd10_chapter,
    ch.chapter_name AS icd10_chapter_name,
    fa.facility,
    fa.facility_state,
    m.legal_org,
    o.outcome AS latest_outcome,
    dt.filed_date,
    o.decision AS decision_date,
    dt.parole_start,
    dt.parole_end,
    dt.termination_effective,
    date_diff('day', coalesce(o.filed, dt.filed_date), o.decision) AS days_to_decision,
    n.parole_duration_months,
    n.home_care_monthly_usd,
    n.inpatient_monthly_usd,
    coalesce(n.treatment_unavailable, false) AS treatment_unavailable,
    dc.documents,
    coalesce(dc.languages, []) AS languages,
    coalesce(cf.conflicts, []) AS conflicts,
    coalesce(n.low_confidence_facts, 0) AS low_confidence_facts,
    dc.weak_links AS linked_by_name_only,
    (cf.conflicts IS NOT NULL OR coalesce(n.low_confidence_facts, 0) > 0 OR dc.bad_documents OR dc.unlinked)
        AS needs_review
FROM cases c
JOIN docs dc USING (case_id)
LEFT JOIN outcomes o USING (case_id)
LEFT JOIN dates dt USING (case_id)
LEFT JOIN births b USING (case_id)
LEFT JOIN diagnoses dg USING (case_id)
LEFT JOIN icd10_chapters ch ON upper(substr(dg.icd10, 1, 3)) BETWEEN ch.first_code AND ch.last_code
LEFT JOIN facilities fa USING (case_id)
LEFT JOIN modes m USING (case_id)
LEFT JOIN numbers n USING (case_id)
LEFT JOIN conflicts cf USING (case_id);

CREATE OR REPLACE VIEW case_rollup AS SELECT * FROM case_rollup_live;

-- Age at the earliest filing (else today) from a single agreed date of birth, else the highest stated age; days
-- from today to the parole's end.
CREATE OR REPLACE VIEW case_summary AS
SELECT
    case_id, pseudonym,
    CAST(coalesce(date_sub('year', birth_date, coalesce(filed_date, current_date)), stated_age) AS INTEGER)
        AS age_years,
    country, primary_diagnosis, icd10, icd10_chapter, icd10_chapter_name, facility, facility_state, legal_org,
    latest_outcome, filed_date, decision_date, parole_start, parole_end, termination_effective, days_to_decision,
    date_diff('day', current_date, parole_end) AS days_to_expiry,
    parole_duration_months, home_care_monthly_usd, inpatient_monthly_usd, treatment_unavailable, documents,
    languages, conflicts, low_confidence_facts, linked_by_name_only, needs_review
FROM case_rollup;

-- Identifying columns of a case, kept apart from case_summary so a de-identified read never touches them.
CREATE OR REPLACE VIEW case_identities_live AS
SELECT
    case_id,
    string_agg(DISTINCT value, '; ' ORDER BY value) FILTER (WHERE field = 'patient_name') AS patient_names,
    string_agg(DISTINCT value, '; ' ORDER BY value)
        FILTER (WHERE field = 'identifier' AND attributes ->> 'kind' = 'a_number') AS a_numbers,
    string_agg(DISTINCT value, '; ' ORDER BY value)
        FILTER (WHERE field = 'identifier' AND attributes ->> 'kind' = 'receipt_number') AS receipt_numbers,
    string_agg(DISTINCT value, '; ' ORDER BY value)
        FILTER (WHERE field = 'date' AND attributes ->> 'role' = 'birth') AS dates_of_birth
FROM case_facts GROUP BY case_id;

CREATE OR REPLACE VIEW case_identities AS SELECT * FROM case_identities_live;

-- Deadlines of cases whose parole is in force (latest outcome granted or extended): expiry within 180 days
-- (bucket 30/60/90/180), the re-parole window (file between 180 and 90 days before expiry) while it has not
-- closed, and every termination with its effective date.
CREATE OR REPLACE VIEW deadlines AS
SELECT case_id, pseudonym, 'parole_expiry' AS kind, parole_end AS due_date, days_to_expiry AS days_left,
       CASE WHEN days_to_expiry <= 30 THEN 30 WHEN days_to_expiry <= 60 THEN 60
            WHEN days_to_expiry <= 90 THEN 90 ELSE 180 END AS within_days,
       NULL::DATE AS window_opens, NULL::DATE AS window_closes
FROM case_summary
WHERE latest_outcome IN ('granted', 'extended') AND days_to_expiry BETWEEN 0 AND 180
UNION ALL
SELECT case_id, pseudonym, 'reparole_window', CAST(parole_end - INTERVAL 90 DAY AS DATE),
       date_diff('day', current_date, CAST(parole_end - INTERVAL 90 DAY AS DATE)),
       NULL, CAST(parole_end - INTERVAL 180 DAY AS DATE), CAST(parole_end - INTERVAL 90 DAY AS DATE)
FROM case_summary
WHERE latest_outcome IN ('granted', 'extended') AND parole_end - INTERVAL 90 DAY >= current_date
UNION ALL
SELECT case_id, pseudonym, 'termination', termination_effective,
       date_diff('day', current_date, termination_effective), NULL, NULL, NULL
FROM case_summary
WHERE termination_effective IS NOT NULL;

-- What waits for a person: low-confidence facts and conflicting fields (review_items, stored at publish), documents
-- not fully read, weak links.
CREATE OR REPLACE VIEW review_items_live AS
SELECT 'low_confidence' AS kind, f.case_id, f.pseudonym, f.sha256, f.field, f.value, f.text, f.confidence,
       f.fact_key, 'confidence ' || round(f.confidence, 2) || ' is below ' || low_confidence_threshold() AS detail
FROM case_facts f
WHERE needs_review_fact(f.confidence, f.reviewed, f.field, f.attributes ->> 'role')
UNION ALL
SELECT 'conflict', c.case_id, s.pseudonym, NULL, c.field, array_to_string(c."values", ' | '), NULL, NULL, NULL,
       'the documents of this case disagree on ' || replace(c.field, '_', ' ')
FROM case_conflicts_live c JOIN cases s USING (case_id);

CREATE OR REPLACE VIEW review_items AS SELECT * FROM review_items_live;

CREATE OR REPLACE VIEW review_queue AS
SELECT * FROM review_items
UNION ALL
SELECT CASE WHEN d.status = 'failed' THEN 'failed_document' ELSE 'partial_document' END, cd.case_id,
       s.pseudonym, d.sha256, NULL, d.error_code, NULL, NULL, NULL, coalesce(d.error_message, d.status)
FROM documents d LEFT JOIN case_documents cd USING (sha256) LEFT JOIN cases s USING (case_id)
WHERE d.status <> 'ok'
UNION ALL
SELECT CASE WHEN cd.link_reason = 'name_only' THEN 'weak_link' ELSE 'unlinked_document' END, cd.case_id,
       s.pseudonym, cd.sha256, NULL, NULL, NULL, NULL, NULL,
       CASE WHEN cd.link_reason = 'name_only' THEN 'joined its case by the patient''s name alone: check it'
            ELSE 'no A-number, receipt number, MRN or name with date of birth to link it to a case' END
FROM case_documents cd JOIN cases s USING (case_id)
WHERE cd.link_reason IN ('name_only', 'alone');
