-- Schema 5: receipt printing and the cash drawer. All of it stays on the till.

-- The till's receipt printer; no row: the till has none.
CREATE TABLE printer_settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    connection            TEXT NOT NULL,  -- tcp://HOST:PORT, usb:PATH, serial:PATH?baud=N, file:PATH
    paper_mm              INTEGER NOT NULL CHECK (paper_mm IN (58, 80)),
    code_page             TEXT NOT NULL,
    open_drawer_on_cash   INTEGER NOT NULL CHECK (open_drawer_on_cash IN (0, 1)),
    footer                TEXT NOT NULL DEFAULT '',
    updated_at            TEXT NOT NULL
);

-- What waits to be printed, and what became of it. A job is written after the sale has
-- committed; printing never holds a sale up.
CREATE TABLE print_jobs (
    id                    INTEGER PRIMARY KEY,
    kind                  TEXT NOT NULL CHECK (kind IN ('receipt', 'drawer', 'test')),
    sale_id               TEXT REFERENCES sales_transactions(_id),
    copy                  INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
    open_drawer           INTEGER NOT NULL DEFAULT 0 CHECK (open_drawer IN (0, 1)),
    requested_by          TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'printed', 'failed')),
    attempts              INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    created_at            TEXT NOT NULL,
    finished_at           TEXT,
    CHECK ((kind = 'receipt') = (sale_id IS NOT NULL))
);
CREATE INDEX print_jobs_queued ON print_jobs (status, id);

-- Every time the drawer was sent the signal to open: after a cash sale, or on demand
-- ("no sale") by a staff member allowed to open it.
CREATE TABLE drawer_events (
    id                    INTEGER PRIMARY KEY,
    reason                TEXT NOT NULL CHECK (reason IN ('cash_sale', 'no_sale')),
    sale_id               TEXT,
    user_id               TEXT NOT NULL,
    print_job_id          INTEGER REFERENCES print_jobs(id),
    created_at            TEXT NOT NULL
);
