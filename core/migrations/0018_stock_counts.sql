-- Stock counts: a shelf (a category) or the whole store counted by scanning. Each
-- product's count is compared with its level when the count started (its opening stock
-- plus this store's movements up to then), so that what sells while the count goes on is
-- not lost; posting turns the differences into `adjustment` movements with the reason
-- "count". A count stays on the till; its adjustments go central like any movement.
CREATE TABLE stock_counts (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    category              TEXT,                 -- NULL: the whole store
    status                TEXT NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'posted', 'cancelled')),
    started_by            TEXT NOT NULL REFERENCES users(_id),
    started_at            TEXT NOT NULL,
    closed_by             TEXT REFERENCES users(_id),
    closed_at             TEXT
);
-- One open count at a time on a till.
CREATE UNIQUE INDEX stock_counts_one_open ON stock_counts (status) WHERE status = 'open';

CREATE TABLE stock_count_lines (
    count_id              TEXT NOT NULL REFERENCES stock_counts(_id),
    product_id            TEXT NOT NULL REFERENCES products(_id),
    counted               INTEGER NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (count_id, product_id)
) WITHOUT ROWID;
