-- The values the last change of a record replaced, so that change can be undone from
-- the timeline: the oplog keeps field names only, and the journal's values are gone
-- after a compaction. One row per record ("<table>:<row id>"), for its last update
-- made through the services; an undo is a new change that writes these values back.
-- before_json is a JSON object {field: value} in record values (klantapp/domain).
CREATE TABLE undo_log (
    id TEXT PRIMARY KEY NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    change_id INTEGER NOT NULL,
    before_json TEXT NOT NULL
);

-- The audit log shows changes to records and settings; the undo bookkeeping is not one.
DROP VIEW audit_log;
CREATE VIEW audit_log AS
    SELECT c.id AS change_id, o.seq, o.hlc, c.at, c.actor, c.summary, d.device, o.tbl,
           o.row_id, o.op AS action, o.fields
    FROM oplog o JOIN changes c ON c.id = o.change_id JOIN devices d ON d.id = o.device
    WHERE o.tbl <> 'undo_log';
