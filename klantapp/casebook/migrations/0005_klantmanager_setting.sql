-- The klantmanager's own name was kept inside the gemeente setting (the letterhead,
-- shared with the central office). It belongs to this laptop (setting scope "device",
-- see klantapp/domain/settings.py), so it moves into a setting of its own:
-- klantmanager = {"name": ...}. A value that is not valid JSON is left as it is (the
-- tolerant reader ignores it).
INSERT OR IGNORE INTO settings (id, value)
SELECT 'klantmanager', json_object('name', json_extract(value, '$.klantmanager'))
FROM settings
WHERE id = 'gemeente'
  AND CASE WHEN json_valid(value) AND json_type(value) = 'object'
      THEN json_type(value, '$.klantmanager') = 'text' ELSE 0 END;

UPDATE settings SET value = json_remove(value, '$.klantmanager')
WHERE id = 'gemeente'
  AND CASE WHEN json_valid(value) AND json_type(value) = 'object'
      THEN json_type(value, '$.klantmanager') IS NOT NULL ELSE 0 END;
