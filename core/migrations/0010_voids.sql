-- Schema 10: voids.
--
-- A completed sale voided by a manager within its open shift keeps its row, marked
-- 'voided' with who, when and why; its stock, loyalty points and money go back. A line
-- removed from a cart before payment is recorded with who removed it and when.

ALTER TABLE sales_transactions ADD COLUMN voided_by TEXT REFERENCES users(_id);
ALTER TABLE sales_transactions ADD COLUMN voided_at TEXT;
ALTER TABLE sales_transactions ADD COLUMN void_reason TEXT;

CREATE TABLE removed_lines (
    _id                   TEXT PRIMARY KEY,
    shift_id              TEXT REFERENCES shifts(_id),
    user_id               TEXT NOT NULL REFERENCES users(_id),
    product_id            TEXT NOT NULL REFERENCES products(_id),
    product_name          TEXT NOT NULL,
    quantity              INTEGER NOT NULL CHECK (quantity > 0),
    unit_price            INTEGER NOT NULL,
    created_at            TEXT NOT NULL
);
CREATE INDEX removed_lines_by_shift ON removed_lines (shift_id);
