-- Schema 8: shifts and cash.
--
-- A shift is a till's working session, opened with a counted float and closed with a
-- counted drawer and its Z report. Every sale, return, drawer opening and cash movement
-- of the till belongs to the shift open when it was made. At most one shift is open per
-- till. A closed shift's Z report (numbered per till, no gaps) is stored as written and
-- never changed.

CREATE TABLE shifts (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    till_id               TEXT NOT NULL,
    opened_by             TEXT NOT NULL REFERENCES users(_id),
    opened_at             TEXT NOT NULL,
    opening_float         INTEGER NOT NULL CHECK (opening_float >= 0),
    float_count           TEXT NOT NULL, -- JSON: the count, by denomination if counted so
    status                TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_by             TEXT REFERENCES users(_id),
    closed_at             TEXT,
    z_number              INTEGER UNIQUE,
    z_report              TEXT, -- JSON: the Z report as printed
    CHECK ((status = 'open') = (z_number IS NULL)),
    CHECK ((status = 'open') = (z_report IS NULL))
);
CREATE UNIQUE INDEX shifts_one_open ON shifts (till_id) WHERE status = 'open';

CREATE TABLE cash_movements (
    _id                   TEXT PRIMARY KEY,
    shift_id              TEXT NOT NULL REFERENCES shifts(_id),
    kind                  TEXT NOT NULL CHECK (kind IN ('cash_in', 'cash_out')),
    amount                INTEGER NOT NULL CHECK (amount > 0),
    reason                TEXT NOT NULL CHECK (reason <> ''),
    user_id               TEXT NOT NULL REFERENCES users(_id),
    created_at            TEXT NOT NULL
);
CREATE INDEX cash_movements_by_shift ON cash_movements (shift_id);

-- NULL for another till's sales (pulled) and for sales made before shifts existed.
ALTER TABLE sales_transactions ADD COLUMN shift_id TEXT REFERENCES shifts(_id);
CREATE INDEX sales_by_shift ON sales_transactions (shift_id);
ALTER TABLE drawer_events ADD COLUMN shift_id TEXT REFERENCES shifts(_id);

ALTER TABLE till ADD COLUMN next_z_number INTEGER NOT NULL DEFAULT 1;
-- Net sales of every closed shift of this till since it began (minor units).
ALTER TABLE till ADD COLUMN grand_total INTEGER NOT NULL DEFAULT 0;

-- Minor units: a count further than this from the expected cash needs a manager.
ALTER TABLE businesses ADD COLUMN max_cash_difference INTEGER NOT NULL DEFAULT 500
    CHECK (max_cash_difference >= 0);
