-- Schema 11: parked sales.
--
-- A cart put aside with a note while the cashier serves the next customer. Any till of
-- the store can take it up again (its row arrives through the pull); taking it up claims
-- it for that till; completing it links the sale to it. Parked sales outlive a restart
-- and a shift's close. Rows of other tills refer to staff and products this till may not
-- hold, so only the business is a foreign key.

CREATE TABLE parked_sales (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL,
    till_id               TEXT NOT NULL,       -- where it was parked
    park_number           TEXT NOT NULL,       -- T1-P000001, for people
    parked_by             TEXT NOT NULL,
    parked_by_name        TEXT NOT NULL,
    note                  TEXT NOT NULL,
    items                 TEXT NOT NULL,       -- JSON: the cart's lines
    cart_discount         TEXT,                -- JSON: the cart's discount as keyed
    customer_id           TEXT,
    total_amount          INTEGER NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('parked', 'resumed', 'completed', 'discarded')),
    claimed_by_till       TEXT,
    claimed_by            TEXT,
    claimed_at            TEXT,
    transaction_id        TEXT,                -- the sale that completed it
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX parked_sales_waiting ON parked_sales (store_id, status, created_at);

ALTER TABLE till ADD COLUMN next_park_number INTEGER NOT NULL DEFAULT 1;

-- The parked sale a sale completed, if any: two sales of one parked sale are flagged.
ALTER TABLE sales_transactions ADD COLUMN parked_sale_id TEXT;
CREATE INDEX sales_by_parked_sale ON sales_transactions (parked_sale_id)
    WHERE parked_sale_id IS NOT NULL;
