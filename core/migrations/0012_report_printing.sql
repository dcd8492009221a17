-- Schema 12: Z reports on the receipt printer.
--
-- A print job may print a Z report (by its number). SQLite cannot change a table's CHECK
-- constraints in place: the table is rebuilt, SQLite's own procedure (foreign keys are
-- off while a migration runs and checked before it commits).

CREATE TABLE print_jobs_new (
    id                    INTEGER PRIMARY KEY,
    kind                  TEXT NOT NULL CHECK (kind IN ('receipt', 'drawer', 'test', 'z_report')),
    sale_id               TEXT REFERENCES sales_transactions(_id),
    z_number              INTEGER,
    copy                  INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
    open_drawer           INTEGER NOT NULL DEFAULT 0 CHECK (open_drawer IN (0, 1)),
    requested_by          TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'printed', 'failed')),
    attempts              INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    created_at            TEXT NOT NULL,
    finished_at           TEXT,
    CHECK ((kind = 'receipt') = (sale_id IS NOT NULL)),
    CHECK ((kind = 'z_report') = (z_number IS NOT NULL))
);
INSERT INTO print_jobs_new (id, kind, sale_id, copy, open_drawer, requested_by, status,
        attempts, last_error, created_at, finished_at)
    SELECT id, kind, sale_id, copy, open_drawer, requested_by, status, attempts, last_error,
        created_at, finished_at
    FROM print_jobs;
DROP TABLE print_jobs;
ALTER TABLE print_jobs_new RENAME TO print_jobs;
CREATE INDEX print_jobs_queued ON print_jobs (status, id);
