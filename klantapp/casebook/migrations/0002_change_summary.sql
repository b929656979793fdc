-- A change may say in words what it saved ("Brede intake: 64 scores voor 4 gezinsleden"),
-- so a save that writes many records is one audit entry a person can read.
ALTER TABLE changes ADD COLUMN summary TEXT;

DROP VIEW audit_log;
CREATE VIEW audit_log AS
    SELECT c.id AS change_id, o.seq, o.hlc, c.at, c.actor, c.summary, d.device, o.tbl,
           o.row_id, o.op AS action, o.fields
    FROM oplog o JOIN changes c ON c.id = o.change_id JOIN devices d ON d.id = o.device;
