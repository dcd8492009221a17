-- Automatic reorders: a store's draft order to a supplier that sales below a product's
-- threshold add to. Its generation counts the store's automatic drafts to that supplier
-- (0, 1, 2…: the next one opens when the last is ordered or cancelled) and, with the
-- store and the supplier, gives its id, which every till derives alike. NULL: an order a
-- manager made.
ALTER TABLE purchase_orders ADD COLUMN reorder_generation INTEGER
    CHECK (reorder_generation >= 0);
CREATE INDEX purchase_orders_reorder
    ON purchase_orders (business_id, store_id, supplier_id, reorder_generation);

-- The outbox takes `reorder` operations (one automatic line for a store's draft): it is
-- rebuilt with its rows, sequence numbers and indexes intact.
CREATE TABLE outbox_v16 (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id                 TEXT NOT NULL UNIQUE, -- UUIDv7
    collection            TEXT NOT NULL,
    document_id           TEXT NOT NULL,
    op                    TEXT NOT NULL
                          CHECK (op IN ('insert', 'update', 'customer_purchase', 'reorder')),
    payload               TEXT NOT NULL,
    state                 TEXT NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'delivered', 'parked', 'discarded')),
    attempts              INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    created_at            TEXT NOT NULL,
    delivered_at          TEXT
);
INSERT INTO outbox_v16 SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v16 RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox (state, seq);
CREATE INDEX outbox_by_document ON outbox (document_id, state);
