-- Schema 9: the tamper-evident journal.
--
-- One row per event of this till (a sale, a return, a shift opened or closed, cash in or
-- out, the drawer opened), numbered 1, 2, 3, … with no gap. Each row holds the canonical
-- text of what happened as written, and the SHA-256 chain over it (core/src/journal).
-- Rows are only ever appended: triggers refuse an update or a delete through SQL, and
-- whatever changes the file underneath is found by `journal verify`.

CREATE TABLE journal (
    seq                   INTEGER PRIMARY KEY,
    _id                   TEXT NOT NULL UNIQUE, -- its central document's
    kind                  TEXT NOT NULL,
    subject_id            TEXT NOT NULL, -- the sale, return, shift or cash movement
    at                    TEXT NOT NULL,
    content               TEXT NOT NULL,
    prev_hash             TEXT NOT NULL,
    hash                  TEXT NOT NULL
);

CREATE TRIGGER journal_append_only_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;
CREATE TRIGGER journal_append_only_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

-- A shift's drawer openings, for its figures.
CREATE INDEX drawer_events_by_shift ON drawer_events (shift_id);
