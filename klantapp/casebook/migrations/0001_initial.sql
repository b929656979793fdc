-- Schema version 1. Frozen: change the schema only by adding a new numbered migration.
-- Every field of klantapp/domain/records.py is a column here (a test checks this).

CREATE TABLE households (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    status TEXT,
    coa_location TEXT,
    coa_contact TEXT,
    koppeling_date TEXT,
    housing_date TEXT,
    inschrijving_date TEXT,
    street TEXT,
    house_number TEXT,
    postcode TEXT,
    city TEXT,
    housing_corporation TEXT,
    phone TEXT,
    bijstand_start TEXT,
    ontzorgen INTEGER,
    ontzorgen_payees TEXT,
    zrm_household_score INTEGER,
    notes TEXT
);

CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    role TEXT,
    arrival_status TEXT,
    family_name TEXT,
    given_names TEXT,
    transliterations TEXT,
    birth_date TEXT,
    sex TEXT,
    v_number TEXT,
    bsn TEXT,
    nationalities TEXT,
    country_of_origin TEXT,
    permit_type TEXT,
    permit_date TEXT,
    regime TEXT,
    doelgroep TEXT,
    plicht_status TEXT,
    plicht_start TEXT,
    inschrijving_date TEXT,
    termijn_start TEXT,
    mother_tongue TEXT,
    other_languages TEXT,
    literacy_own_script TEXT,
    literacy_latin TEXT,
    interpreter_needed INTEGER,
    interpreter_language TEXT,
    interpreter_dialect TEXT,
    letter_language TEXT,
    education_years INTEGER,
    education_level TEXT,
    diplomas TEXT,
    work_history TEXT,
    driving_licence INTEGER,
    digital_skills TEXT,
    leerbaarheid_date TEXT,
    leerbaarheid_result TEXT,
    care_duties TEXT,
    phone TEXT,
    email TEXT,
    health_restricted INTEGER,
    health_note TEXT,
    consent_sharing TEXT
);
CREATE INDEX persons_household_id ON persons(household_id);

CREATE TABLE warm_handovers (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    date TEXT,
    scenario TEXT,
    coa_worker TEXT,
    location TEXT,
    profile TEXT,
    legal_basis TEXT,
    notes TEXT
);
CREATE INDEX warm_handovers_household_id ON warm_handovers(household_id);

CREATE TABLE intake_scores (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    person_id TEXT,
    intake_date TEXT,
    domain TEXT,
    score INTEGER,
    notes TEXT,
    without_partner INTEGER
);
CREATE INDEX intake_scores_household_id ON intake_scores(household_id);

CREATE TABLE pips (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    person_id TEXT,
    version INTEGER,
    status TEXT,
    vastgesteld_on TEXT,
    leerroute TEXT,
    goal TEXT,
    provider TEXT,
    course_start TEXT,
    lesuren INTEGER,
    pvt_hours INTEGER,
    pvt_signed INTEGER,
    map_hours INTEGER,
    z_dutch_hours INTEGER,
    z_participation_hours INTEGER,
    knm_done INTEGER,
    levels TEXT,
    exam_attempts INTEGER,
    extension_months INTEGER,
    ontzorgen INTEGER,
    randvoorwaarden TEXT,
    begeleiding TEXT,
    notes TEXT
);
CREATE INDEX pips_household_id ON pips(household_id);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    person_id TEXT,
    kind TEXT,
    starts_at TEXT,
    duration_minutes INTEGER,
    location TEXT,
    route_note TEXT,
    with_whom TEXT,
    interpreter_mode TEXT,
    interpreter_language TEXT,
    invitation_number INTEGER,
    outcome TEXT,
    letter_language TEXT,
    bring TEXT,
    notes TEXT
);
CREATE INDEX appointments_household_id ON appointments(household_id);

CREATE TABLE handhaving (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    person_id TEXT,
    date TEXT,
    kind TEXT,
    appointment_id TEXT,
    amount_eur INTEGER,
    reason TEXT,
    status TEXT,
    decision_date TEXT,
    notes TEXT
);
CREATE INDEX handhaving_household_id ON handhaving(household_id);

CREATE TABLE partners (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    kind TEXT,
    contact_person TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    notes TEXT
);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    person_id TEXT,
    partner_id TEXT,
    date TEXT,
    reason TEXT,
    status TEXT,
    notes TEXT
);
CREATE INDEX referrals_household_id ON referrals(household_id);

CREATE TABLE notes (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    person_id TEXT,
    created_at TEXT,
    author TEXT,
    text TEXT,
    restricted INTEGER
);
CREATE INDEX notes_household_id ON notes(household_id);

CREATE INDEX appointments_starts_at ON appointments(starts_at);
CREATE INDEX intake_scores_person ON intake_scores(person_id);
CREATE INDEX pips_person ON pips(person_id);
CREATE INDEX referrals_partner ON referrals(partner_id);

-- Casebook-wide settings (gemeente details for letters, ...), synced like records.
CREATE TABLE settings (
    id TEXT PRIMARY KEY NOT NULL,
    value TEXT
);

-- Local bookkeeping; not synced.
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT
) WITHOUT ROWID;

-- Devices that wrote to this casebook; the oplog refers to them by number.
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL UNIQUE
);

-- One row per committed transaction: when, who.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);

-- Every row operation, keyed by (device, seq): the sync outbox and inbox, and the
-- source of the audit log. Values are not repeated here: the encrypted journal record
-- holds them until compaction, the rows hold them after; a bundle carries the current
-- values of the changed fields with their clock (see docs/sync-design.md).
-- hlc is the hybrid logical clock packed as wall_ms * 65536 + counter; fields lists
-- the fields an update set. No index on row_id: only a household's timeline looks
-- rows up, and a scan costs less than the index's memory (see the benchmark).
CREATE TABLE oplog (
    device INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    change_id INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    fields TEXT,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;

-- Deleted rows stay known, so a late edit from another device cannot resurrect them.
CREATE TABLE tombstones (
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Who changed what and when: field names only, never values.
CREATE VIEW audit_log AS
    SELECT c.id AS change_id, o.seq, o.hlc, c.at, c.actor, d.device, o.tbl, o.row_id,
           o.op AS action, o.fields
    FROM oplog o JOIN changes c ON c.id = o.change_id JOIN devices d ON d.id = o.device;

-- Full-text search: external-content FTS5 tables (the text is not stored twice).
-- Each reads a *_search view that exposes the folded text (kfold: case, diacritics,
-- Arabic letter variants) and leaves out restricted (health) rows, so the index, FTS5's
-- own integrity-check and rebuild all see the same values. Queries are folded alike.
-- detail=none: no positions are stored (we match words and prefixes, never phrases),
-- which keeps the index small.
CREATE VIEW households_search AS
    SELECT rowid AS rid, kfold(name) AS name, kfold(notes) AS notes
    FROM households;
CREATE VIRTUAL TABLE households_fts USING fts5(
    name, notes,
    content='households_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER households_fts_ai AFTER INSERT ON households BEGIN
    INSERT INTO households_fts(rowid, name, notes) SELECT new.rowid, kfold(new.name), kfold(new.notes);
END;
CREATE TRIGGER households_fts_ad AFTER DELETE ON households BEGIN
    INSERT INTO households_fts(households_fts, rowid, name, notes) SELECT 'delete', old.rowid, kfold(old.name), kfold(old.notes);
END;
CREATE TRIGGER households_fts_au AFTER UPDATE ON households BEGIN
    INSERT INTO households_fts(households_fts, rowid, name, notes) SELECT 'delete', old.rowid, kfold(old.name), kfold(old.notes);
    INSERT INTO households_fts(rowid, name, notes) SELECT new.rowid, kfold(new.name), kfold(new.notes);
END;

CREATE VIEW persons_search AS
    SELECT rowid AS rid, kfold(family_name) AS family_name, kfold(given_names) AS given_names, kfold(transliterations) AS transliterations, kfold(v_number) AS v_number, kfold(bsn) AS bsn
    FROM persons;
CREATE VIRTUAL TABLE persons_fts USING fts5(
    family_name, given_names, transliterations, v_number, bsn,
    content='persons_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER persons_fts_ai AFTER INSERT ON persons BEGIN
    INSERT INTO persons_fts(rowid, family_name, given_names, transliterations, v_number, bsn) SELECT new.rowid, kfold(new.family_name), kfold(new.given_names), kfold(new.transliterations), kfold(new.v_number), kfold(new.bsn);
END;
CREATE TRIGGER persons_fts_ad AFTER DELETE ON persons BEGIN
    INSERT INTO persons_fts(persons_fts, rowid, family_name, given_names, transliterations, v_number, bsn) SELECT 'delete', old.rowid, kfold(old.family_name), kfold(old.given_names), kfold(old.transliterations), kfold(old.v_number), kfold(old.bsn);
END;
CREATE TRIGGER persons_fts_au AFTER UPDATE ON persons BEGIN
    INSERT INTO persons_fts(persons_fts, rowid, family_name, given_names, transliterations, v_number, bsn) SELECT 'delete', old.rowid, kfold(old.family_name), kfold(old.given_names), kfold(old.transliterations), kfold(old.v_number), kfold(old.bsn);
    INSERT INTO persons_fts(rowid, family_name, given_names, transliterations, v_number, bsn) SELECT new.rowid, kfold(new.family_name), kfold(new.given_names), kfold(new.transliterations), kfold(new.v_number), kfold(new.bsn);
END;

CREATE VIEW warm_handovers_search AS
    SELECT rowid AS rid, kfold(notes) AS notes
    FROM warm_handovers;
CREATE VIRTUAL TABLE warm_handovers_fts USING fts5(
    notes,
    content='warm_handovers_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER warm_handovers_fts_ai AFTER INSERT ON warm_handovers BEGIN
    INSERT INTO warm_handovers_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;
CREATE TRIGGER warm_handovers_fts_ad AFTER DELETE ON warm_handovers BEGIN
    INSERT INTO warm_handovers_fts(warm_handovers_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
END;
CREATE TRIGGER warm_handovers_fts_au AFTER UPDATE ON warm_handovers BEGIN
    INSERT INTO warm_handovers_fts(warm_handovers_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
    INSERT INTO warm_handovers_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;

CREATE VIEW intake_scores_search AS
    SELECT rowid AS rid, kfold(notes) AS notes
    FROM intake_scores WHERE domain NOT IN ('geestelijke_gezondheid', 'lichamelijke_gezondheid');
CREATE VIRTUAL TABLE intake_scores_fts USING fts5(
    notes,
    content='intake_scores_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER intake_scores_fts_ai AFTER INSERT ON intake_scores BEGIN
    INSERT INTO intake_scores_fts(rowid, notes) SELECT new.rowid, kfold(new.notes) WHERE new.domain NOT IN ('geestelijke_gezondheid', 'lichamelijke_gezondheid');
END;
CREATE TRIGGER intake_scores_fts_ad AFTER DELETE ON intake_scores BEGIN
    INSERT INTO intake_scores_fts(intake_scores_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes) WHERE old.domain NOT IN ('geestelijke_gezondheid', 'lichamelijke_gezondheid');
END;
CREATE TRIGGER intake_scores_fts_au AFTER UPDATE ON intake_scores BEGIN
    INSERT INTO intake_scores_fts(intake_scores_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes) WHERE old.domain NOT IN ('geestelijke_gezondheid', 'lichamelijke_gezondheid');
    INSERT INTO intake_scores_fts(rowid, notes) SELECT new.rowid, kfold(new.notes) WHERE new.domain NOT IN ('geestelijke_gezondheid', 'lichamelijke_gezondheid');
END;

CREATE VIEW pips_search AS
    SELECT rowid AS rid, kfold(notes) AS notes
    FROM pips;
CREATE VIRTUAL TABLE pips_fts USING fts5(
    notes,
    content='pips_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER pips_fts_ai AFTER INSERT ON pips BEGIN
    INSERT INTO pips_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;
CREATE TRIGGER pips_fts_ad AFTER DELETE ON pips BEGIN
    INSERT INTO pips_fts(pips_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
END;
CREATE TRIGGER pips_fts_au AFTER UPDATE ON pips BEGIN
    INSERT INTO pips_fts(pips_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
    INSERT INTO pips_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;

CREATE VIEW appointments_search AS
    SELECT rowid AS rid, kfold(notes) AS notes
    FROM appointments;
CREATE VIRTUAL TABLE appointments_fts USING fts5(
    notes,
    content='appointments_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER appointments_fts_ai AFTER INSERT ON appointments BEGIN
    INSERT INTO appointments_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;
CREATE TRIGGER appointments_fts_ad AFTER DELETE ON appointments BEGIN
    INSERT INTO appointments_fts(appointments_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
END;
CREATE TRIGGER appointments_fts_au AFTER UPDATE ON appointments BEGIN
    INSERT INTO appointments_fts(appointments_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
    INSERT INTO appointments_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;

CREATE VIEW handhaving_search AS
    SELECT rowid AS rid, kfold(notes) AS notes
    FROM handhaving;
CREATE VIRTUAL TABLE handhaving_fts USING fts5(
    notes,
    content='handhaving_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER handhaving_fts_ai AFTER INSERT ON handhaving BEGIN
    INSERT INTO handhaving_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;
CREATE TRIGGER handhaving_fts_ad AFTER DELETE ON handhaving BEGIN
    INSERT INTO handhaving_fts(handhaving_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
END;
CREATE TRIGGER handhaving_fts_au AFTER UPDATE ON handhaving BEGIN
    INSERT INTO handhaving_fts(handhaving_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
    INSERT INTO handhaving_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;

CREATE VIEW partners_search AS
    SELECT rowid AS rid, kfold(name) AS name
    FROM partners;
CREATE VIRTUAL TABLE partners_fts USING fts5(
    name,
    content='partners_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER partners_fts_ai AFTER INSERT ON partners BEGIN
    INSERT INTO partners_fts(rowid, name) SELECT new.rowid, kfold(new.name);
END;
CREATE TRIGGER partners_fts_ad AFTER DELETE ON partners BEGIN
    INSERT INTO partners_fts(partners_fts, rowid, name) SELECT 'delete', old.rowid, kfold(old.name);
END;
CREATE TRIGGER partners_fts_au AFTER UPDATE ON partners BEGIN
    INSERT INTO partners_fts(partners_fts, rowid, name) SELECT 'delete', old.rowid, kfold(old.name);
    INSERT INTO partners_fts(rowid, name) SELECT new.rowid, kfold(new.name);
END;

CREATE VIEW referrals_search AS
    SELECT rowid AS rid, kfold(notes) AS notes
    FROM referrals;
CREATE VIRTUAL TABLE referrals_fts USING fts5(
    notes,
    content='referrals_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER referrals_fts_ai AFTER INSERT ON referrals BEGIN
    INSERT INTO referrals_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;
CREATE TRIGGER referrals_fts_ad AFTER DELETE ON referrals BEGIN
    INSERT INTO referrals_fts(referrals_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
END;
CREATE TRIGGER referrals_fts_au AFTER UPDATE ON referrals BEGIN
    INSERT INTO referrals_fts(referrals_fts, rowid, notes) SELECT 'delete', old.rowid, kfold(old.notes);
    INSERT INTO referrals_fts(rowid, notes) SELECT new.rowid, kfold(new.notes);
END;

CREATE VIEW notes_search AS
    SELECT rowid AS rid, kfold(text) AS text
    FROM notes WHERE NOT coalesce(restricted, 0);
CREATE VIRTUAL TABLE notes_fts USING fts5(
    text,
    content='notes_search', content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2', detail=none
);
CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, text) SELECT new.rowid, kfold(new.text) WHERE NOT coalesce(new.restricted, 0);
END;
CREATE TRIGGER notes_fts_ad AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, text) SELECT 'delete', old.rowid, kfold(old.text) WHERE NOT coalesce(old.restricted, 0);
END;
CREATE TRIGGER notes_fts_au AFTER UPDATE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, text) SELECT 'delete', old.rowid, kfold(old.text) WHERE NOT coalesce(old.restricted, 0);
    INSERT INTO notes_fts(rowid, text) SELECT new.rowid, kfold(new.text) WHERE NOT coalesce(new.restricted, 0);
END;
