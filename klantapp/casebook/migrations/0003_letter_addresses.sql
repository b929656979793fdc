-- Schema version 3: letters always carry a full postal address and translated
-- "meenemen" items.
-- * households: the azc's postal address, for letters to people not yet housed.
-- * appointments: bring_items, the common things to bring as choice codes (JSON list);
--   "bring" stays for anything else, printed in Dutch.
ALTER TABLE households ADD COLUMN coa_street TEXT;
ALTER TABLE households ADD COLUMN coa_house_number TEXT;
ALTER TABLE households ADD COLUMN coa_postcode TEXT;
ALTER TABLE households ADD COLUMN coa_city TEXT;
ALTER TABLE appointments ADD COLUMN bring_items TEXT;
