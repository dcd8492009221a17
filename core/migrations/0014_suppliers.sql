-- Suppliers (the seed's `suppliers`), and what a product needs to be reordered: how many
-- to order when it falls to its threshold, and what the supplier charges for one.
CREATE TABLE suppliers (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    supplier_name         TEXT NOT NULL,
    contact_person        TEXT NOT NULL DEFAULT '',
    email                 TEXT,
    phone                 TEXT,
    address               TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL
);
CREATE INDEX suppliers_by_name ON suppliers (business_id, supplier_name COLLATE NOCASE);

ALTER TABLE products ADD COLUMN reorder_quantity INTEGER NOT NULL DEFAULT 0
    CHECK (reorder_quantity >= 0);
ALTER TABLE products ADD COLUMN unit_cost INTEGER CHECK (unit_cost >= 0);
