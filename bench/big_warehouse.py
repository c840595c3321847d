"""A big synthetic published warehouse for the dashboard benchmarks (issue 6): 20,000 cases, about 1.07 million
facts, 70,000 documents with their pages, linked into cases by the real linker and published by the real publish.

    .venv/bin/python bench/big_warehouse.py [--out bench/out/big] [--cases 20000] [--seed 6]

Writes OUT/published.duckdb (and the working OUT/warehouse.duckdb and OUT/corrections.sqlite beside it); point
MEDPAROLE_DATA_DIR at OUT to serve it. Rows are generated in DuckDB SQL (one statement a table, values chosen by
seeded hashes, so a seed always gives the same warehouse) inside a warehouse created by warehouse/db.py, so the
schema, views and migrations are the real ones. Every person is invented: names are made of nonsense syllables,
identifiers are counters. Dates are relative to today, so some paroles always end within the next year.

Each case is a story first (patient, condition, hospital, legal organisation, decisions over time), then its
documents: a US medical letter, a parole decision, and as the story has them a home-country letter, a cost
estimate, a legal organisation's letter, a re-parole approval or a termination notice. Some documents carry
conflicting dates of birth, names or countries, low-confidence facts, only the patient's name (a weak link) or
nothing to link them (a case of their own); a few hundred could not be read. Shares follow the generated 10,000
document corpus where it has them: about half the cases state both a monthly home-care and an inpatient cost, and
a fraction of a percent of facts fall below the review threshold.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from warehouse import cases, corrections, db
from warehouse.corrections import Action, Correction

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT

BENCH_KEY = b"medparole-bench-key-not-a-secret"

# Seeded randomness: rnd() in [0, 1), pick() in [0, n). Temporary macros: never published.
_MACROS = """
CREATE OR REPLACE TEMP MACRO rnd(i, tag) AS (hash(i, tag, getvariable('bench_seed')) % 1000000) / 1000000.0;
CREATE OR REPLACE TEMP MACRO pick(i, tag, n) AS (hash(i, tag, getvariable('bench_seed')) % greatest(n, 1))::INTEGER;
"""

# Reference lists: conditions with their ICD-10-CM code and treatment, US and home-country facilities, legal
# organisations; names are syllables (64 of each part, disjoint lists, so two names never share all parts).
_LISTS = """
CREATE OR REPLACE TEMP TABLE ref AS SELECT
    [['short bowel syndrome', 'K91.2', 'home parenteral nutrition'],
     ['end-stage renal disease', 'N18.6', 'hemodialysis'],
     ['chronic kidney disease, stage 5', 'N18.5', 'kidney transplant'],
     ['acute lymphoblastic leukemia', 'C91.00', 'chemotherapy'],
     ['acute myeloid leukemia', 'C92.00', 'bone marrow transplant'],
     ['neuroblastoma', 'C74.90', 'chemotherapy'],
     ['osteosarcoma', 'C41.9', 'chemotherapy'],
     ['wilms tumor', 'C64.9', 'radiation therapy'],
     ['hypoplastic left heart syndrome', 'Q23.4', 'cardiac surgery'],
     ['tetralogy of fallot', 'Q21.3', 'cardiac surgery'],
     ['biliary atresia', 'Q44.2', 'liver transplant'],
     ['cystic fibrosis', 'E84.9', 'enzyme replacement therapy'],
     ['spinal muscular atrophy', 'G12.9', 'gene therapy'],
     ['cerebral palsy', 'G80.9', 'physical therapy'],
     ['epilepsy', 'G40.909', 'epilepsy surgery'],
     ['sickle cell disease', 'D57.1', 'bone marrow transplant'],
     ['aplastic anemia', 'D61.9', 'bone marrow transplant'],
     ['hemophilia a', 'D66', 'factor replacement therapy'],
     ['type 1 diabetes mellitus', 'E10.9', 'insulin pump therapy'],
     ['retinoblastoma', 'C69.20', 'chemotherapy'],
     ['congenital cataract', 'Q12.0', 'eye surgery'],
     ['hydrocephalus', 'G91.9', 'shunt surgery'],
     ['liver failure', 'K72.90', 'liver transplant'],
     ['dilated cardiomyopathy', 'I42.0', 'heart transplant'],
     ['pulmonary hypertension', 'I27.20', 'oxygen therapy'],
     ['severe combined immunodeficiency', 'D81.9', 'bone marrow transplant'],
     ['burn injury', 'T30.0', 'skin grafting'],
     ['tuberculosis', 'A15.9', 'antituberculosis therapy'],
     ['major depressive disorder', 'F32.9', 'psychotherapy'],
     ['sensorineural hearing loss', 'H90.5', 'cochlear implant'],
     ['bronchopulmonary dysplasia', 'P27.1', 'home oxygen therapy'],
     ['atopic dermatitis', 'L20.9', 'immunotherapy'],
     ['juvenile idiopathic arthritis', 'M08.00', 'biologic therapy'],
     ['hiv disease', 'B20', 'antiretroviral therapy']] AS conditions,
    [['hypertension', 'I10'], ['asthma', 'J45.909'], ['sepsis', 'A41.9'], ['liver disease', 'K76.9'],
     ['diabetes mellitus', 'E11.9'], ['anemia', 'D64.9']] AS others,
    [['Children''s Hospital Los Angeles', 'Los Angeles', 'CA'], ['Texas Children''s Hospital', 'Houston', 'TX'],
     ['Phoenix Children''s Hospital', 'Phoenix', 'AZ'], ['University Medical Center of El Paso', 'El Paso', 'TX'],
     ['Children''s Hospital Colorado', 'Aurora', 'CO'], ['Boston Children''s Hospital', 'Boston', 'MA'],
     ['Children''s Hospital of Philadelphia', 'Philadelphia', 'PA'], ['Seattle Children''s Hospital', 'Seattle', 'WA'],
     ['Children''s National Hospital', 'Washington', 'DC'], ['Children''s Mercy Kansas City', 'Kansas City', 'MO'],
     ['Cincinnati Children''s Hospital Medical Center', 'Cincinnati', 'OH'],
     ['Children''s Hospital of San Antonio', 'San Antonio', 'TX'],
     ['Children''s Hospital of Orange County', 'Orange', 'CA'], ['Arkansas Children''s Hospital', 'Little Rock', 'AR'],
     ['Children''s Healthcare of Atlanta', 'Atlanta', 'GA'], ['Children''s Hospital New Orleans', 'New Orleans', 'LA'],
     ['Children''s Minnesota', 'Minneapolis', 'MN'], ['Nationwide Children''s Hospital', 'Columbus', 'OH'],
     ['Children''s Hospital of Michigan', 'Detroit', 'MI'], ['Hospital for Special Surgery', 'New York', 'NY']]
        AS facilities,
    [['Hospital Civil de Guadalajara', 'Guadalajara', 'Jalisco'],
     ['Hospital Regional de Monterrey', 'Monterrey', 'Nuevo León'],
     ['Hospital Nacional de Niños de San Salvador', 'San Salvador', 'San Salvador'],
     ['Hospital General de Guatemala', 'Guatemala', 'Guatemala'],
     ['Hospital Escuela de Tegucigalpa', 'Tegucigalpa', 'Francisco Morazán'],
     ['Hospital Infantil de Managua', 'Managua', 'Managua']] AS home_facilities,
    ['Public Counsel', 'Kids in Need of Defense', 'RAICES', 'Las Americas Immigrant Advocacy Center',
     'Florence Immigrant & Refugee Rights Project', 'Al Otro Lado', 'Catholic Legal Immigration Network',
     'Northwest Immigrant Rights Project', 'Immigrant Legal Resource Center', 'Americans for Immigrant Justice',
     'Texas Civil Rights Project', 'Diocesan Migrant & Refugee Services'] AS legal_orgs,
    ['MX', 'MX', 'MX', 'MX', 'MX', 'MX', 'MX', 'MX', 'MX', 'HN', 'HN', 'HN', 'GT', 'GT', 'SV', 'SV', 'VE', 'HT',
     'CU', 'NI', 'CO'] AS countries,
    ['Pediatric Gastroenterology', 'Pediatric Nephrology', 'Pediatric Oncology', 'Pediatric Cardiology',
     'Pediatric Neurology', 'Pediatric Hematology', 'Transplant Surgery', 'Pediatrics'] AS specialties,
    list_transform(range(64), lambda k: ['Ka', 'Zu', 'Mi', 'Lo', 'Re', 'Ta', 'Vi', 'No'][1 + k // 8]
        || ['rix', 'lena', 'mon', 'dara', 'vel', 'sio', 'bet', 'quin'][1 + k % 8]) AS first_names,
    list_transform(range(64), lambda k: ['Brax', 'Quil', 'Dorn', 'Fen', 'Gral', 'Hux', 'Jor', 'Plim'][1 + k // 8]
        || ['ado', 'ez', 'ona', 'ur', 'ista', 'ant', 'evo', 'ilo'][1 + k % 8]) AS surnames,
    list_transform(range(64), lambda k: ['Os', 'Tre', 'Vam', 'Yel', 'Zib', 'Cro', 'Mur', 'Sna'][1 + k // 8]
        || ['quel', 'brun', 'dinez', 'tasco', 'vora', 'lindo', 'piral', 'gueta'][1 + k % 8]) AS second_surnames;
"""

# One row a case: who, what, where and what happened when. The final outcome decides how long ago the family
# filed (a re-parole or termination needs a grant long enough ago); a name key is a bijection of 0..2^18, so
# names (and the siblings' names some documents carry) never repeat.
_STORIES = """
CREATE OR REPLACE TEMP TABLE story AS
WITH base AS (
    SELECT range::INTEGER AS i, range % 100 = 99 AS alone,
           (range * 40503 + 12345) % 262144 AS name_key, ((range + 131072) * 40503 + 12345) % 262144 AS sibling_key,
           rnd(range, 'outcome') AS r
    FROM range(getvariable('bench_cases'))
),
told AS (
    SELECT b.*,
           CASE WHEN alone OR r < 0.05 THEN NULL WHEN r < 0.14 THEN 'pending' WHEN r < 0.19 THEN 'rfe'
                WHEN r < 0.31 THEN 'denied' WHEN r < 0.68 THEN 'granted' WHEN r < 0.82 THEN 'extended'
                WHEN r < 0.95 THEN 'terminated' WHEN r < 0.98 THEN 'revoked' ELSE 'rescinded' END AS final_outcome
    FROM base b
),
timed AS (
    SELECT t.*,
           CASE WHEN final_outcome IN ('pending', 'rfe') THEN 20 + pick(i, 'offset', 200)
                WHEN final_outcome IN ('granted', 'denied') THEN 40 + pick(i, 'offset', 1900)
                WHEN final_outcome IS NULL THEN 20 + pick(i, 'offset', 1500)
                ELSE 560 + pick(i, 'offset', 1400) END AS offset_days
    FROM told t
),
dated AS (
    SELECT t.*, current_date - offset_days AS filed,
           10 + pick(i, 'days', least(offset_days - 15,
                CASE WHEN final_outcome IN ('extended', 'terminated', 'revoked', 'rescinded') THEN 120 ELSE 300 END))
               AS days_to_decision,
           CASE WHEN final_outcome = 'extended' OR rnd(i, 'duration') < 0.7 THEN 12 ELSE 24 END AS duration,
           CASE WHEN rnd(i, 'adult') < 0.8 THEN pick(i, 'age', 18) ELSE 18 + pick(i, 'age', 45) END AS age
    FROM timed t
)
SELECT d.i, d.alone, d.final_outcome,
       CASE WHEN final_outcome IN ('extended', 'terminated', 'revoked', 'rescinded') THEN 'granted'
            ELSE final_outcome END AS first_outcome,
       ref.first_names[1 + name_key % 64] AS first_name, ref.surnames[1 + (name_key // 64) % 64] AS surname,
       ref.second_surnames[1 + name_key // 4096] AS second_surname,
       ref.first_names[1 + sibling_key % 64] AS sibling_name,
       ref.first_names[1 + pick(i, 'doctor', 64)] || ' ' || ref.surnames[1 + pick(i, 'doctor2', 64)] AS physician,
       ref.specialties[1 + pick(i, 'specialty', 8)] AS specialty,
       printf('A%09d', 201000000 + i * 13) AS a_number,
       ['IOE', 'EAC', 'MSC', 'WAC', 'SRC'][1 + i % 5] || printf('%010d', 2190000000 + i * 17) AS receipt,
       printf('%08d', 10000000 + i * 7) AS mrn,
       ref.countries[1 + pick(i, 'country', 21)] AS country,
       ref.conditions[1 + floor(34 * pow(rnd(i, 'condition'), 1.6))::INTEGER] AS condition,
       ref.others[1 + pick(i, 'other', 6)] AS other_condition,
       ref.others[1 + pick(i, 'other2', 6)] AS family_condition,
       ref.facilities[1 + floor(20 * pow(rnd(i, 'facility'), 1.4))::INTEGER] AS facility,
       ref.home_facilities[1 + pick(i, 'home', 6)] AS home_facility,
       CASE WHEN rnd(i, 'legal') < 0.65 THEN ref.legal_orgs[1 + pick(i, 'legal_org', 12)] END AS legal_org,
       d.age, d.filed - INTERVAL (d.age) YEAR - INTERVAL (pick(i, 'birthday', 360)) DAY AS dob,
       d.filed, d.duration,
       CASE WHEN final_outcome <> 'pending' THEN d.filed + d.days_to_decision END AS decision,
       rnd(i, 'unavailable') AS unavailable_roll,
       rnd(i, 'states_home_care') < 0.85 AS states_home_care,
       rnd(i, 'states_inpatient') < 0.58 AS states_inpatient,
       1500 + 100 * pick(i, 'home_care', 200) AS home_care_monthly,
       rnd(i, 'daily') < 0.5 AS inpatient_daily,
       1200 + 100 * pick(i, 'inpatient', 40) AS inpatient_daily_usd,
       30000 + 1000 * pick(i, 'inpatient', 220) AS inpatient_monthly,
       rnd(i, 'dob_conflict') < 0.03 AS dob_conflict,
       rnd(i, 'name_conflict') < 0.015 AS name_conflict,
       rnd(i, 'country_conflict') < 0.01 AS country_conflict,
       rnd(i, 'name_only') < 0.06 AS name_only_letter
FROM dated d, ref
"""

# The story's dates that follow from its decision: parole, re-parole and termination.
_STORY_DATES = """
CREATE OR REPLACE TEMP TABLE story_dates AS
SELECT i,
       CASE WHEN first_outcome = 'granted' THEN decision + 3 + pick(i, 'start', 20) END AS parole_start,
       CASE WHEN first_outcome = 'granted'
            THEN CAST(decision + 3 + pick(i, 'start', 20) + INTERVAL (duration) MONTH AS DATE) END AS parole_end
FROM story;
CREATE OR REPLACE TEMP TABLE story_events AS
SELECT s.*, d.parole_start, d.parole_end,
       CASE WHEN final_outcome = 'extended' THEN d.parole_end - 45 END AS reparole_decision,
       CASE WHEN final_outcome = 'extended' THEN CAST(d.parole_end + INTERVAL 12 MONTH AS DATE) END AS reparole_end,
       CASE WHEN final_outcome IN ('terminated', 'revoked', 'rescinded')
            THEN s.decision + 30 + pick(s.i, 'notice', current_date - s.decision - 40) END AS termination_notice
FROM story s JOIN story_dates d USING (i)
"""

# Documents: which kinds a story has, each with its type, language, date, format and state.
_DOCUMENTS = """
CREATE OR REPLACE TEMP TABLE doc AS
WITH kinds(kind, seq, doc_type) AS (VALUES
    ('med_us', 1, 'medical_letter'), ('decision', 2, 'parole_decision'), ('med_home', 3, 'medical_letter'),
    ('cost', 4, 'medical_letter'), ('legal', 5, 'other'), ('reparole', 6, 'parole_decision'),
    ('termination', 7, 'parole_decision'))
SELECT s.*, k.kind, k.seq, k.doc_type,
       sha256(getvariable('bench_seed') || ':' || s.i || ':' || k.kind) AS sha256,
       CASE k.kind WHEN 'med_us' THEN CASE WHEN rnd(s.i, 'us_es') < 0.1 THEN 'es' ELSE 'en' END
                   WHEN 'med_home' THEN CASE WHEN s.country = 'HT' THEN 'en' ELSE 'es' END
                   WHEN 'legal' THEN CASE WHEN rnd(s.i, 'legal_es') < 0.25 THEN 'es' ELSE 'en' END
                   ELSE 'en' END AS language,
       CASE k.kind WHEN 'med_us' THEN s.filed - 20 - pick(s.i, 'letter', 60)
                   WHEN 'decision' THEN coalesce(s.decision, s.filed + 10)
                   WHEN 'med_home' THEN s.filed - 40 - pick(s.i, 'home_letter', 90)
                   WHEN 'cost' THEN s.filed - 15
                   WHEN 'legal' THEN s.filed - 5
                   WHEN 'reparole' THEN s.reparole_decision
                   ELSE s.termination_notice END AS dated,
       CASE WHEN k.kind = 'termination' THEN 'message/rfc822'
            WHEN k.kind = 'med_home' AND rnd(s.i, 'docx') < 0.2
                THEN 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
            WHEN k.kind = 'legal' AND rnd(s.i, 'txt') < 0.2 THEN 'text/plain'
            ELSE 'application/pdf' END AS media_type,
       CASE WHEN k.kind = 'med_us' AND rnd(s.i, 'partial') < 0.01 THEN 'partial' ELSE 'ok' END AS status,
       CASE WHEN k.kind = 'med_us' AND NOT s.alone THEN 2 ELSE 1 END AS page_count
FROM story_events s JOIN kinds k ON CASE k.kind
    WHEN 'med_us' THEN true
    WHEN 'decision' THEN s.final_outcome IS NOT NULL
    WHEN 'med_home' THEN NOT s.alone AND rnd(s.i, 'has_home') < 0.5
    WHEN 'cost' THEN NOT s.alone AND rnd(s.i, 'has_cost') < 0.45
    WHEN 'legal' THEN NOT s.alone AND s.legal_org IS NOT NULL AND rnd(s.i, 'has_legal') < 0.5
    WHEN 'reparole' THEN s.final_outcome = 'extended'
    ELSE s.final_outcome IN ('terminated', 'revoked', 'rescinded') END
"""

# What each kind of document states, slot by slot: (kind, slot, what, page). `what` names a fact recipe below.
_SLOTS = {
    "med_us": "name dob age mrn country dx other_negated family_dx sepsis_hypothetical treatment unavailable "
    "facility physician | home_care inpatient medication date_document date_admission date_discharge "
    "date_diagnosis date_other date_appointment dx_historical",
    "decision": "name_caps dob a_number receipt country date_document date_filed date_decision outcome_first "
    "authority duration parole_start parole_end legal_org facility dx date_other",
    "med_home": "name dob age country dx treatment unavailable home_facility physician date_document "
    "date_diagnosis cost_mxn date_other",
    "cost": "name dob mrn facility home_care inpatient transport medication date_document dx treatment",
    "legal": "name a_number legal_org date_document dx facility country date_filed",
    "reparole": "name_caps a_number receipt date_document date_reparole_filed date_decision outcome_extended "
    "authority duration_12 reparole_start reparole_end country",
    "termination": "name a_number date_document outcome_final authority_dhs termination_effective",
}


def _slot_rows() -> list[tuple[str, int, str, int]]:
    """(kind, slot, what, page) of every recipe; recipes after '|' go on page 2 of a two-page letter."""
    rows = []
    for kind, recipe in _SLOTS.items():
        page = 1
        for slot, what in enumerate(recipe.split()):
            if what == "|":
                page = 2
                continue
            rows.append((kind, slot, what, page))
    return rows


# Facts: one row a (document, recipe) with its field, value, printed text, attributes and confidence. A NULL
# value drops the fact (no legal organisation, no decision date yet...). Names are left out of an alone story's
# letter; a few home letters carry the name alone (a weak link); conflicts go where the linker still joins them
# (a cost estimate, joined by its MRN; a decision, joined by its A-number).
_FACTS = """
CREATE OR REPLACE TEMP TABLE fact_draft AS
WITH recipe AS (
    SELECT d.*, r.slot, r.what, CASE WHEN d.page_count = 1 THEN 1 ELSE r.page END AS page,
           CASE WHEN r.what LIKE 'date_%' OR r.what IN ('dob', 'parole_start', 'parole_end', 'reparole_start',
                    'reparole_end', 'termination_effective') THEN 'date' END AS date_recipe
    FROM doc d JOIN slots r USING (kind)
),
valued AS (
    SELECT r.*,
        CASE WHEN what IN ('name', 'name_caps') THEN 'patient_name'
             WHEN what = 'dob' OR date_recipe = 'date' THEN 'date'
             WHEN what = 'age' THEN 'age_years'
             WHEN what IN ('mrn', 'a_number', 'receipt') THEN 'identifier'
             WHEN what = 'country' THEN 'country_of_origin'
             WHEN what IN ('dx', 'other_negated', 'family_dx', 'sepsis_hypothetical', 'dx_historical') THEN 'diagnosis'
             WHEN what = 'treatment' THEN 'treatment'
             WHEN what = 'unavailable' THEN 'treatment_unavailable_in_home_country'
             WHEN what IN ('facility', 'home_facility') THEN 'facility'
             WHEN what = 'physician' THEN 'physician'
             WHEN what IN ('home_care', 'inpatient', 'medication', 'transport', 'cost_mxn') THEN 'cost'
             WHEN what LIKE 'outcome_%' THEN 'outcome'
             WHEN what LIKE 'authority%' THEN 'decision_authority'
             WHEN what LIKE 'duration%' THEN 'parole_duration_months'
             WHEN what = 'legal_org' THEN 'legal_org' END AS field,
        CASE what
             WHEN 'name' THEN CASE WHEN NOT alone THEN
                 CASE WHEN kind = 'decision' AND name_conflict THEN sibling_name ELSE first_name END
                 || ' ' || surname || ' ' || second_surname END
             WHEN 'name_caps' THEN upper(surname || ' ' || second_surname || ', ' || first_name)
             WHEN 'dob' THEN CASE WHEN NOT alone AND NOT (kind = 'med_home' AND name_only_letter) THEN
                 strftime(CASE WHEN kind = 'cost' AND dob_conflict THEN dob + INTERVAL 1 YEAR ELSE dob END, '%Y-%m-%d')
                 END
             WHEN 'age' THEN CASE WHEN NOT alone THEN CAST(age AS VARCHAR) END
             WHEN 'mrn' THEN CASE WHEN NOT alone THEN mrn END
             WHEN 'a_number' THEN a_number
             WHEN 'receipt' THEN receipt
             WHEN 'country' THEN CASE WHEN kind = 'med_home' AND country_conflict
                 THEN CASE WHEN country = 'MX' THEN 'GT' ELSE 'MX' END ELSE country END
             WHEN 'dx' THEN condition[1]
             WHEN 'dx_historical' THEN family_condition[1]
             WHEN 'other_negated' THEN other_condition[1]
             WHEN 'family_dx' THEN family_condition[1]
             WHEN 'sepsis_hypothetical' THEN 'sepsis'
             WHEN 'treatment' THEN condition[3]
             WHEN 'unavailable' THEN CASE WHEN unavailable_roll < 0.7 THEN 'true'
                                          WHEN unavailable_roll < 0.8 THEN 'false' END
             WHEN 'facility' THEN facility[1]
             WHEN 'home_facility' THEN home_facility[1]
             WHEN 'physician' THEN physician
             WHEN 'home_care' THEN CASE WHEN states_home_care THEN CAST(home_care_monthly AS VARCHAR) END
             WHEN 'inpatient' THEN CASE WHEN states_inpatient THEN CAST(
                 CASE WHEN inpatient_daily THEN inpatient_daily_usd ELSE inpatient_monthly END AS VARCHAR) END
             WHEN 'medication' THEN CAST(200 + 50 * pick(i, 'medication', 40) AS VARCHAR)
             WHEN 'transport' THEN CAST(100 + 10 * pick(i, 'transport', 30) AS VARCHAR)
             WHEN 'cost_mxn' THEN CAST(20000 + 1000 * pick(i, 'mxn', 400) AS VARCHAR)
             WHEN 'outcome_first' THEN first_outcome
             WHEN 'outcome_extended' THEN 'extended'
             WHEN 'outcome_final' THEN final_outcome
             WHEN 'authority' THEN 'USCIS'
             WHEN 'authority_dhs' THEN 'DHS'
             WHEN 'duration' THEN CASE WHEN first_outcome = 'granted' THEN CAST(duration AS VARCHAR) END
             WHEN 'duration_12' THEN '12'
             WHEN 'legal_org' THEN legal_org
             ELSE strftime(CASE what
                 WHEN 'date_document' THEN dated
                 WHEN 'date_filed' THEN filed
                 WHEN 'date_decision' THEN CASE WHEN kind = 'reparole' THEN reparole_decision
                                               WHEN rnd(i, 'stated_decision') < 0.8 THEN decision END
                 WHEN 'date_reparole_filed' THEN reparole_decision - 70 - pick(i, 'refiled', 30)
                 WHEN 'parole_start' THEN parole_start
                 WHEN 'parole_end' THEN parole_end
                 WHEN 'reparole_start' THEN parole_end
                 WHEN 'reparole_end' THEN reparole_end
                 WHEN 'termination_effective' THEN termination_notice + 7
                 WHEN 'date_admission' THEN filed - 60 - pick(i, 'admitted', 200)
                 WHEN 'date_discharge' THEN filed - 30 - pick(i, 'discharged', 25)
                 WHEN 'date_diagnosis' THEN dob + INTERVAL (pick(i, 'diagnosed', 300)) DAY
                 WHEN 'date_appointment' THEN dated + 30
                 WHEN 'date_other' THEN dated - 400 - pick(i, 'other_date', 900) END, '%Y-%m-%d')
        END AS value,
        CASE what
             WHEN 'dob' THEN json_object('role', 'birth')
             WHEN 'mrn' THEN json_object('kind', 'mrn')
             WHEN 'a_number' THEN json_object('kind', 'a_number')
             WHEN 'receipt' THEN json_object('kind', 'receipt_number')
             WHEN 'dx' THEN json_object('assertion', 'present', 'icd10', condition[2])
             WHEN 'dx_historical' THEN json_object('assertion', 'historical', 'icd10', family_condition[2])
             WHEN 'other_negated' THEN json_object('assertion', 'negated', 'icd10', other_condition[2])
             WHEN 'family_dx' THEN json_object('assertion', 'family', 'icd10', family_condition[2])
             WHEN 'sepsis_hypothetical' THEN json_object('assertion', 'hypothetical', 'icd10', 'A41.9')
             WHEN 'treatment' THEN json_object('schedule', '14 hours daily')
             WHEN 'unavailable' THEN json_object('country', country)
             WHEN 'facility' THEN json_object('city', facility[2], 'state', facility[3])
             WHEN 'home_facility' THEN json_object('city', home_facility[2], 'state', home_facility[3])
             WHEN 'physician' THEN json_object('specialty', specialty)
             WHEN 'home_care' THEN json_object('category', 'home_care', 'currency', 'USD',
                                               'monthly_usd', home_care_monthly, 'period', 'monthly')
             WHEN 'inpatient' THEN json_object('category', 'inpatient', 'currency', 'USD',
                 'monthly_usd', CASE WHEN inpatient_daily THEN 30 * inpatient_daily_usd ELSE inpatient_monthly END,
                 'period', CASE WHEN inpatient_daily THEN 'daily' ELSE 'monthly' END)
             WHEN 'medication' THEN json_object('category', 'medication', 'currency', 'USD',
                 'monthly_usd', 200 + 50 * pick(i, 'medication', 40), 'period', 'monthly')
             WHEN 'transport' THEN json_object('category', 'transport', 'currency', 'USD',
                 'monthly_usd', 4 * (100 + 10 * pick(i, 'transport', 30)), 'period', 'weekly')
             WHEN 'cost_mxn' THEN json_object('category', 'treatment', 'currency', 'MXN', 'period', 'unspecified')
             WHEN 'date_other' THEN json_object('role', 'other')
             ELSE CASE WHEN date_recipe = 'date' THEN json_object('role', CASE what
                 WHEN 'date_document' THEN 'document' WHEN 'date_filed' THEN 'filed'
                 WHEN 'date_reparole_filed' THEN 'filed' WHEN 'date_decision' THEN 'decision'
                 WHEN 'parole_start' THEN 'parole_start' WHEN 'reparole_start' THEN 'parole_start'
                 WHEN 'parole_end' THEN 'parole_end' WHEN 'reparole_end' THEN 'parole_end'
                 WHEN 'termination_effective' THEN 'termination_effective' WHEN 'date_admission' THEN 'admission'
                 WHEN 'date_discharge' THEN 'discharge' WHEN 'date_diagnosis' THEN 'diagnosis'
                 ELSE 'appointment' END) ELSE '{}'::JSON END
        END AS attributes,
        CASE WHEN what = 'date_other' THEN 0.5
             WHEN rnd(hash(sha256, slot), 'low_confidence') < 0.004 THEN 0.35 + 0.24 * rnd(hash(sha256, slot), 'c')
             WHEN what IN ('a_number', 'receipt') THEN 0.97
             WHEN what IN ('name', 'name_caps') THEN 0.9
             ELSE 0.8 + 0.15 * rnd(hash(sha256, slot), 'c') END AS confidence
    FROM recipe r
)
SELECT sha256, row_number() OVER (PARTITION BY sha256 ORDER BY page, slot) - 1 AS fact_index, page, field, value,
       CASE WHEN field IN ('age_years', 'parole_duration_months', 'cost') THEN 'number'
            WHEN field = 'treatment_unavailable_in_home_country' THEN 'boolean' ELSE 'string' END AS value_type,
       CASE WHEN field IN ('age_years', 'parole_duration_months', 'cost') THEN TRY_CAST(value AS DOUBLE)
            END AS value_number,
       CASE WHEN field = 'date' THEN
                CASE WHEN language = 'es' THEN strftime(CAST(value AS DATE), '%d/%m/%Y')
                     ELSE strftime(CAST(value AS DATE), '%B %-d, %Y') END
            WHEN field = 'cost' THEN CASE WHEN attributes ->> 'currency' = 'MXN' THEN '$' || value || ' MXN'
                                          ELSE '$' || value END
            WHEN field = 'treatment_unavailable_in_home_country' THEN 'not available in ' || (attributes ->> 'country')
            WHEN field = 'age_years' THEN value || CASE WHEN language = 'es' THEN ' años' ELSE ' years old' END
            WHEN field = 'parole_duration_months' THEN value || ' months'
            ELSE value END AS text,
       CASE field WHEN 'patient_name' THEN 'Patient' WHEN 'date' THEN 'Date' WHEN 'identifier' THEN 'Number'
            WHEN 'diagnosis' THEN 'Condition' WHEN 'cost' THEN 'Estimated cost' WHEN 'outcome' THEN 'Decision'
            ELSE replace(field, '_', ' ') END AS label,
       confidence, attributes
FROM valued WHERE value IS NOT NULL
"""

# Pages: each fact written as "<label>: <text>. " after a header, so every fact's offsets point at its words;
# page 2 starts one character (the form feed) after page 1 ends.
_PAGES = """
CREATE OR REPLACE TEMP TABLE fact_placed AS
SELECT f.*, coalesce(sum(length(label) + length(text) + 4) OVER (
           PARTITION BY sha256, page ORDER BY fact_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
       + length(label) + 2 AS local_start
FROM fact_draft f;
CREATE OR REPLACE TEMP TABLE page_draft AS
SELECT sha256, page,
       'Synthetic benchmark document, page ' || page || '. ' AS header,
       string_agg(label || ': ' || text || '. ', '' ORDER BY fact_index) AS body
FROM fact_placed GROUP BY sha256, page;
INSERT INTO pages (sha256, page_number, start_offset, text, ocr)
SELECT sha256, page,
       coalesce(sum(length(header || body) + 1) OVER (
           PARTITION BY sha256 ORDER BY page ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
       header || body, false
FROM page_draft;
INSERT INTO facts (sha256, fact_index, field, value, value_type, value_number, text, page, start_offset,
                   end_offset, confidence, attributes, extractor_version)
SELECT f.sha256, f.fact_index, f.field, f.value, f.value_type, f.value_number, f.text, f.page,
       p.start_offset + length(pd.header) + f.local_start,
       p.start_offset + length(pd.header) + f.local_start + length(f.text),
       round(f.confidence, 3), f.attributes, 'bench'
FROM fact_placed f
JOIN pages p ON p.sha256 = f.sha256 AND p.page_number = f.page
JOIN page_draft pd ON pd.sha256 = f.sha256 AND pd.page = f.page
"""

# Documents and where they were seen, plus a few hundred that could not be read (no case, no facts).
_DOCUMENT_ROWS = """
INSERT INTO documents (sha256, media_type, byte_size, status, error_code, error_message, doc_type,
                       doc_type_confidence, language, pages, ocr_pages, extractor_version, first_seen_at,
                       extracted_at)
SELECT sha256, media_type, 2000 + pick(i, sha256, 60000), status,
       CASE WHEN status = 'partial' THEN 'timeout' END,
       CASE WHEN status = 'partial' THEN 'Page 2 could not be read in time; the rest was.' END,
       doc_type, 0.9, language, page_count, CASE WHEN status = 'partial' THEN 1 ELSE 0 END, 'bench',
       CAST(dated AS TIMESTAMP) + INTERVAL 2 DAY, CAST(dated AS TIMESTAMP) + INTERVAL 2 DAY + INTERVAL 5 MINUTE
FROM doc;
INSERT INTO documents (sha256, media_type, byte_size, status, error_code, error_message, doc_type,
                       doc_type_confidence, language, pages, ocr_pages, extractor_version, first_seen_at,
                       extracted_at)
SELECT sha256(getvariable('bench_seed') || ':failed:' || range), 'application/pdf', 5000, 'failed',
       ['encrypted', 'corrupt', 'no_text'][1 + range % 3],
       ['The PDF is password-protected: ask the sender for an unprotected copy.',
        'The file is damaged: ask for it to be sent again.',
        'No text could be read, even with OCR: ask for a clearer scan.'][1 + range % 3],
       'other', NULL, NULL, 0, 0, 'bench', current_timestamp - INTERVAL (range) HOUR,
       current_timestamp - INTERVAL (range) HOUR
FROM range(getvariable('bench_failed'));
INSERT INTO document_sources (sha256, source_path, file_name, seen_at)
SELECT sha256, '/bench/big/docs/' || file_name, file_name, first_seen_at
FROM (SELECT sha256, first_seen_at,
             'doc-' || left(sha256, 10) || CASE media_type WHEN 'message/rfc822' THEN '.eml'
                 WHEN 'text/plain' THEN '.txt' WHEN 'application/pdf' THEN '.pdf' ELSE '.docx' END AS file_name
      FROM documents);
INSERT INTO runs (run_id, flow, started_at, finished_at, status, seen, new, skipped, failed, pages, duration_s,
                  extractor_version)
SELECT md5('bench-run-' || range), 'ingest', current_timestamp - INTERVAL (range) DAY,
       current_timestamp - INTERVAL (range) DAY + INTERVAL 15 MINUTE, 'completed',
       (SELECT count(*) FROM documents), CASE WHEN range = 9 THEN (SELECT count(*) FROM documents) ELSE 0 END,
       CASE WHEN range = 9 THEN 0 ELSE (SELECT count(*) FROM documents) END, 0, 0, 900.0, 'bench'
FROM range(10)
"""


def generate(con: duckdb.DuckDBPyConnection, n_cases: int, seed: int, failed: int) -> None:
    """Fill an empty working warehouse with `n_cases` stories' documents, pages and facts."""
    con.execute(f"SET VARIABLE bench_cases = {int(n_cases)}")
    con.execute(f"SET VARIABLE bench_seed = {int(seed)}")
    con.execute(f"SET VARIABLE bench_failed = {int(failed)}")
    for sql in (_MACROS, _LISTS, _STORIES, _STORY_DATES, _DOCUMENTS):
        con.execute(sql)
    con.execute("CREATE OR REPLACE TEMP TABLE slots (kind VARCHAR, slot INTEGER, what VARCHAR, page INTEGER)")
    con.executemany("INSERT INTO slots VALUES (?, ?, ?, ?)", _slot_rows())
    for sql in (_FACTS, _DOCUMENT_ROWS, _PAGES):
        con.execute(sql)


def record_corrections(con: duckdb.DuckDBPyConnection, store: Path, count: int) -> int:
    """Reviewers' work before the publish: confirm, reject and edit some low-confidence facts, and add a few
    missing ones, through the real correction store (so the published copy carries them)."""
    rows = con.execute(
        """
        SELECT sha256, field, value, start_offset, end_offset FROM facts
        WHERE confidence < 0.6 AND field IN ('diagnosis', 'facility', 'cost', 'treatment')
        ORDER BY hash(sha256, fact_index) LIMIT ?
        """,
        [count],
    ).fetchall()
    actions = (Action.confirm, Action.reject, Action.edit)
    for n, (sha, field, value, start, end) in enumerate(rows):
        action = actions[n % len(actions)]
        corrections.record_correction(
            store,
            Correction(
                author="bench reviewer", sha256=sha, field=field, action=action, start_offset=start,
                end_offset=end, old_value=value, new_value=value.upper() if action is Action.edit else None,
                reason="benchmark correction",
            ),
        )  # fmt: skip
    for sha, *_ in rows[:5]:
        corrections.record_correction(
            store,
            Correction(author="bench reviewer", sha256=sha, field="legal_org", action=Action.add,
                       new_value="Public Counsel", reason="named in the cover letter"),
        )  # fmt: skip
    return len(rows) + min(5, len(rows))


def build(out: Path, n_cases: int, seed: int, failed: int) -> dict[str, object]:
    """Generate, link, correct and publish; returns the counts and how long each step took."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("published.duckdb", "warehouse.duckdb", "warehouse.duckdb.wal", "corrections.sqlite"):
        (out / name).unlink(missing_ok=True)
    timings: dict[str, object] = {}
    started = time.perf_counter()
    con = db.connect_writer(out / "warehouse.duckdb")
    try:
        generate(con, n_cases, seed, failed)
        timings["generate_s"] = round(time.perf_counter() - started, 1)
        store = out / "corrections.sqlite"
        timings["corrections"] = record_corrections(con, store, 60)
        step = time.perf_counter()
        linked = cases.refresh(con, BENCH_KEY, store)
        timings["link_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        db.publish(con, out / "published.duckdb")
        timings["publish_s"] = round(time.perf_counter() - step, 1)
    finally:
        con.close()
    counts = db.first_row(
        duckdb.connect(str(out / "published.duckdb"), read_only=True).execute(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM documents), (SELECT count(*) FROM facts), "
            "(SELECT count(*) FROM pages)"
        )
    )
    assert counts is not None
    return {
        "cases": counts[0], "documents": counts[1], "facts": counts[2], "pages": counts[3],
        **{k: v for k, v in linked.items() if k.startswith("linked_by")}, **timings,
        "total_s": round(time.perf_counter() - started, 1),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT / "big", help="data dir to write (MEDPAROLE_DATA_DIR)")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--failed", type=int, default=300, help="documents that could not be read")
    args = parser.parse_args()
    result = build(args.out, args.cases, args.seed, args.failed)
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
