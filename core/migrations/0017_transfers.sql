-- Transfers between the stores of a business: stock leaves the source when it is sent
-- (`transfer_out` movements of the source), is in transit, and comes into the
-- destination when it is received (`transfer_in` movements there) or back to the source
-- when it is cancelled. The ledger takes the two new movement types: it is rebuilt with
-- its rows and indexes intact.
CREATE TABLE stock_movements_v17 (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL,
    product_id            TEXT NOT NULL REFERENCES products(_id),
    movement_type         TEXT NOT NULL CHECK (movement_type IN
                              ('sale', 'restock', 'adjustment', 'transfer_out', 'transfer_in')),
    quantity              INTEGER NOT NULL CHECK (quantity <> 0),
    handled_by            TEXT,
    reason                TEXT NOT NULL DEFAULT '',
    transaction_id        TEXT,
    created_at            TEXT NOT NULL
);
INSERT INTO stock_movements_v17 SELECT * FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_v17 RENAME TO stock_movements;
CREATE INDEX stock_movements_by_product ON stock_movements (product_id);
CREATE INDEX stock_movements_by_sale ON stock_movements (transaction_id);

ALTER TABLE till ADD COLUMN next_transfer_number INTEGER NOT NULL DEFAULT 1;

-- The business's other stores are on the till too (to send stock to): names only.
CREATE TABLE stock_transfers (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    from_store_id         TEXT NOT NULL REFERENCES stores(_id),
    to_store_id           TEXT NOT NULL REFERENCES stores(_id),
    transfer_number       TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('in_transit', 'received', 'cancelled')),
    note                  TEXT NOT NULL DEFAULT '',
    sent_by               TEXT,                 -- may be a user of another store
    received_by           TEXT,
    received_at           TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CHECK (from_store_id <> to_store_id)
);
CREATE INDEX stock_transfers_from ON stock_transfers (business_id, from_store_id, status);
CREATE INDEX stock_transfers_to ON stock_transfers (business_id, to_store_id, status);

CREATE TABLE stock_transfer_items (
    transfer_id           TEXT NOT NULL REFERENCES stock_transfers(_id),
    line_no               INTEGER NOT NULL,
    product_id            TEXT NOT NULL REFERENCES products(_id),
    quantity_sent         INTEGER NOT NULL CHECK (quantity_sent > 0),
    quantity_received     INTEGER NOT NULL DEFAULT 0 CHECK (quantity_received >= 0),
    PRIMARY KEY (transfer_id, line_no),
    UNIQUE (transfer_id, product_id)
) WITHOUT ROWID;
