-- Schema 8: the AVG duties (docs/avg.md). Local-only tables of (id, JSON value),
-- journaled like everything else and never replicated:
-- avg_requests: inzage requests with their date and deadline;
-- avg_access: reads of restricted health notes, exports and inzage (who, what, when);
-- avg_corrections: the "corrected" entries of the audit trail (old value, new, reason);
-- avg_destructions: the destruction log (counts per record kind, no personal data);
-- avg_destroyed: the ids of destroyed households and records (nothing else), so a late
-- edit of one is dropped, not kept as a conflict.
CREATE TABLE avg_requests (id TEXT PRIMARY KEY NOT NULL, value TEXT);
CREATE TABLE avg_access (id TEXT PRIMARY KEY NOT NULL, value TEXT);
CREATE TABLE avg_corrections (id TEXT PRIMARY KEY NOT NULL, value TEXT);
CREATE TABLE avg_destructions (id TEXT PRIMARY KEY NOT NULL, value TEXT);
CREATE TABLE avg_destroyed (id TEXT PRIMARY KEY NOT NULL, value TEXT);

-- The owner of a deleted household stays known beside its id (a device id, nothing
-- personal), so the central office can tell the owner's laptop that it is gone.
ALTER TABLE tombstones ADD COLUMN owner TEXT;

-- A delete made by a destruction run (klantapp/avg/retention.py) is marked, so every
-- device that applies it -- the office, the owner's laptop -- also removes the
-- history of the row, and the office passes the mark on.
ALTER TABLE tombstones ADD COLUMN destroyed INTEGER;
