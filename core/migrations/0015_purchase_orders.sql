-- Purchase orders (the seed's `purchase_orders`): a store's order to one supplier, made
-- at a till. States: draft -> ordered -> partially_received -> received, or cancelled
-- (not once anything was received). One line per product per order.
ALTER TABLE till ADD COLUMN next_order_number INTEGER NOT NULL DEFAULT 1;

CREATE TABLE purchase_orders (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    supplier_id           TEXT NOT NULL REFERENCES suppliers(_id),
    order_number          TEXT NOT NULL,
    order_status          TEXT NOT NULL DEFAULT 'draft'
        CHECK (order_status IN ('draft', 'ordered', 'partially_received', 'received', 'cancelled')),
    expected_delivery     TEXT,                 -- a date, YYYY-MM-DD
    created_by            TEXT REFERENCES users(_id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX purchase_orders_by_status ON purchase_orders (business_id, store_id, order_status);

CREATE TABLE purchase_order_items (
    order_id              TEXT NOT NULL REFERENCES purchase_orders(_id),
    line_no               INTEGER NOT NULL,
    product_id            TEXT NOT NULL REFERENCES products(_id),
    quantity_ordered      INTEGER NOT NULL CHECK (quantity_ordered > 0),
    unit_price            INTEGER CHECK (unit_price >= 0),   -- the supplier's, if known
    quantity_received     INTEGER NOT NULL DEFAULT 0 CHECK (quantity_received >= 0),
    quantity_damaged      INTEGER NOT NULL DEFAULT 0 CHECK (quantity_damaged >= 0),  -- came in broken
    PRIMARY KEY (order_id, line_no),
    UNIQUE (order_id, product_id)
) WITHOUT ROWID;
