-- The first schema (documents, document_sources, pages, facts, runs) is schema.sql itself; nothing to alter.
SELECT 1;
