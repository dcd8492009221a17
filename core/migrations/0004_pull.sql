-- Schema 4: what pulls from the central database need.
--
-- The stock ledger now also holds movements made at other tills (pulled, so that this
-- till's stock reflects them). Their cashiers, sales and stores need not be on this till,
-- so `store_id`, `handled_by` and `transaction_id` lose their foreign keys, and
-- `handled_by` may be empty (a movement written by a back office). The product must
-- still be here. SQLite cannot drop a foreign key in place: the table is rebuilt.

CREATE TABLE stock_movements_v4 (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL,
    product_id            TEXT NOT NULL REFERENCES products(_id),
    movement_type         TEXT NOT NULL CHECK (movement_type IN ('sale', 'restock', 'adjustment')),
    quantity              INTEGER NOT NULL CHECK (quantity <> 0),
    handled_by            TEXT,
    reason                TEXT NOT NULL DEFAULT '',
    transaction_id        TEXT,
    created_at            TEXT NOT NULL
);
INSERT INTO stock_movements_v4 SELECT * FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_v4 RENAME TO stock_movements;
CREATE INDEX stock_movements_by_product ON stock_movements (product_id);
CREATE INDEX stock_movements_by_sale ON stock_movements (transaction_id);

-- Where the pull stands: an opaque checkpoint from the central database (a change-stream
-- resume token), written in the same transaction as the changes it covers. NULL: the
-- next pull reads everything.
ALTER TABLE sync_state ADD COLUMN pull_checkpoint TEXT;
ALTER TABLE sync_state ADD COLUMN last_pull_at TEXT;
