-- Schema 3: what the sync engine keeps on the till.
--
-- A manager may discard a parked outbox operation: it stays in the outbox, marked
-- 'discarded', and is never sent. SQLite cannot change a CHECK constraint in place, so the
-- outbox is rebuilt with its rows, sequence numbers and indexes intact.

CREATE TABLE outbox_v3 (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id                 TEXT NOT NULL UNIQUE, -- UUIDv7
    collection            TEXT NOT NULL,
    document_id           TEXT NOT NULL,
    op                    TEXT NOT NULL CHECK (op IN ('insert', 'update', 'customer_purchase')),
    payload               TEXT NOT NULL,
    state                 TEXT NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'delivered', 'parked', 'discarded')),
    attempts              INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    created_at            TEXT NOT NULL,
    delivered_at          TEXT
);
INSERT INTO outbox_v3 SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox (state, seq);
-- Pulls ask whether a document still has local changes waiting.
CREATE INDEX outbox_by_document ON outbox (document_id, state);

-- The engine's last contact with the central database, for the status bar and
-- `sellsync sync status` (one row).
CREATE TABLE sync_state (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    last_attempt_at       TEXT,
    last_success_at       TEXT,
    last_error            TEXT
);
INSERT INTO sync_state (id) VALUES (1);
