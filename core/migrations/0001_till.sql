-- Sell Sync till database, schema 1.
-- Column names follow the central collections (see the seed); nested fields of a central
-- document are flattened (`settings.currency` -> `currency`) or kept in child tables
-- (`items` -> sale_items). Ids are 24-hex ObjectIds made on the till. Money is INTEGER
-- minor units of the business currency; percentages are INTEGER thousandths of a percent.

CREATE TABLE businesses (
    _id                   TEXT PRIMARY KEY,
    business_name         TEXT NOT NULL,
    business_owner        TEXT,
    package_plan          TEXT NOT NULL DEFAULT 'Free',
    subscription_status   TEXT NOT NULL DEFAULT 'active',
    -- settings.*
    currency              TEXT NOT NULL,
    timezone              TEXT NOT NULL,
    tax_inclusive         INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
    default_tax_rate      INTEGER NOT NULL DEFAULT 0 CHECK (default_tax_rate BETWEEN 0 AND 100000),
    max_cashier_discount  INTEGER NOT NULL DEFAULT 10000 CHECK (max_cashier_discount BETWEEN 0 AND 100000),
    loyalty_points_per_unit INTEGER NOT NULL DEFAULT 1 CHECK (loyalty_points_per_unit >= 0),
    loyalty_point_value   INTEGER NOT NULL DEFAULT 1 CHECK (loyalty_point_value >= 0),
    created_at            TEXT NOT NULL
);

CREATE TABLE stores (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_name            TEXT NOT NULL,
    location              TEXT NOT NULL DEFAULT '',
    phone                 TEXT NOT NULL DEFAULT '',
    operating_hours_open  TEXT,
    operating_hours_close TEXT,
    created_at            TEXT NOT NULL
);

-- This till: which business and store it serves, and its sale-number counter.
CREATE TABLE till (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    till_id               TEXT NOT NULL,
    till_code             TEXT NOT NULL,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    next_sale_number      INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL
);

CREATE TABLE users (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT REFERENCES stores(_id),
    name                  TEXT NOT NULL,
    email                 TEXT NOT NULL,
    password_hash         TEXT,
    pin_hash              TEXT,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'cashier')),
    permissions           TEXT NOT NULL DEFAULT '[]', -- JSON array of permission names
    failed_attempts       INTEGER NOT NULL DEFAULT 0, -- local only: lockout state
    locked_until          TEXT,
    created_at            TEXT NOT NULL,
    UNIQUE (business_id, email)
);

CREATE TABLE payment_methods (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    method_name           TEXT NOT NULL,
    provider              TEXT NOT NULL DEFAULT '',
    kind                  TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'other')),
    created_at            TEXT NOT NULL,
    UNIQUE (business_id, method_name)
);

CREATE TABLE products (
    local_id              INTEGER PRIMARY KEY, -- stable rowid for the search index
    _id                   TEXT NOT NULL UNIQUE,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT REFERENCES stores(_id),
    product_name          TEXT NOT NULL,
    sku                   TEXT NOT NULL,
    barcode               TEXT,
    category              TEXT NOT NULL DEFAULT '',
    price                 INTEGER NOT NULL CHECK (price >= 0),
    tax_rate              INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100000),
    opening_stock         INTEGER NOT NULL DEFAULT 0,
    -- Cached: opening_stock + SUM(stock_movements.quantity); see stock::verify_ledger.
    stock                 INTEGER NOT NULL DEFAULT 0,
    stock_threshold       INTEGER NOT NULL DEFAULT 0 CHECK (stock_threshold >= 0),
    supplier_id           TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (business_id, sku),
    UNIQUE (business_id, barcode)
);

CREATE TABLE customers (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    name                  TEXT NOT NULL,
    phone                 TEXT,
    phone_key             TEXT, -- digits of the phone, for lookup
    email                 TEXT, -- lower case
    loyalty_points        INTEGER NOT NULL DEFAULT 0 CHECK (loyalty_points >= 0),
    created_at            TEXT NOT NULL
);
CREATE INDEX customers_phone ON customers (business_id, phone_key);
CREATE INDEX customers_email ON customers (business_id, email);

-- purchase_history of a customer is read from sales_transactions.customer_id.
CREATE TABLE sales_transactions (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    till_id               TEXT NOT NULL,
    sale_number           TEXT NOT NULL UNIQUE,
    cashier_id            TEXT NOT NULL REFERENCES users(_id),
    customer_id           TEXT REFERENCES customers(_id),
    payment_method        TEXT NOT NULL, -- the tender's name, or 'Split'
    currency              TEXT NOT NULL,
    subtotal              INTEGER NOT NULL,
    discount_total        INTEGER NOT NULL,
    cart_discount         INTEGER NOT NULL,
    tax_total             INTEGER NOT NULL,
    total_amount          INTEGER NOT NULL,
    amount_tendered       INTEGER NOT NULL,
    change_due            INTEGER NOT NULL CHECK (change_due >= 0),
    loyalty_points_earned INTEGER NOT NULL DEFAULT 0,
    loyalty_points_redeemed INTEGER NOT NULL DEFAULT 0,
    transaction_status    TEXT NOT NULL DEFAULT 'completed',
    created_at            TEXT NOT NULL
);
CREATE INDEX sales_by_time ON sales_transactions (business_id, created_at);
CREATE INDEX sales_by_customer ON sales_transactions (customer_id);

CREATE TABLE sale_items (
    transaction_id        TEXT NOT NULL REFERENCES sales_transactions(_id),
    line_no               INTEGER NOT NULL,
    product_id            TEXT NOT NULL REFERENCES products(_id),
    product_name          TEXT NOT NULL,
    sku                   TEXT NOT NULL,
    quantity              INTEGER NOT NULL CHECK (quantity > 0),
    unit_price            INTEGER NOT NULL,
    line_discount         INTEGER NOT NULL,
    cart_discount         INTEGER NOT NULL,
    tax_rate              INTEGER NOT NULL,
    tax_amount            INTEGER NOT NULL,
    total_price           INTEGER NOT NULL,
    PRIMARY KEY (transaction_id, line_no)
) WITHOUT ROWID;

CREATE TABLE sale_payments (
    transaction_id        TEXT NOT NULL REFERENCES sales_transactions(_id),
    line_no               INTEGER NOT NULL,
    payment_method_id     TEXT REFERENCES payment_methods(_id), -- NULL: loyalty points
    method_name           TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    tendered              INTEGER NOT NULL CHECK (tendered > 0),
    amount                INTEGER NOT NULL, -- tendered minus the change given from it
    PRIMARY KEY (transaction_id, line_no)
) WITHOUT ROWID;

CREATE TABLE stock_movements (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    product_id            TEXT NOT NULL REFERENCES products(_id),
    movement_type         TEXT NOT NULL CHECK (movement_type IN ('sale', 'restock', 'adjustment')),
    quantity              INTEGER NOT NULL CHECK (quantity <> 0),
    handled_by            TEXT NOT NULL REFERENCES users(_id),
    reason                TEXT NOT NULL DEFAULT '',
    transaction_id        TEXT REFERENCES sales_transactions(_id),
    created_at            TEXT NOT NULL
);
CREATE INDEX stock_movements_by_product ON stock_movements (product_id);
CREATE INDEX stock_movements_by_sale ON stock_movements (transaction_id);

CREATE TABLE notifications (
    _id                   TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL REFERENCES businesses(_id),
    store_id              TEXT NOT NULL REFERENCES stores(_id),
    user_id               TEXT REFERENCES users(_id), -- NULL: for the store's managers
    kind                  TEXT NOT NULL,
    product_id            TEXT REFERENCES products(_id),
    message               TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read')),
    created_at            TEXT NOT NULL
);
CREATE INDEX notifications_by_time ON notifications (business_id, created_at);

-- The outbox: one row per change, in commit order, for the sync engine.
-- payload is MongoDB canonical Extended JSON: for 'insert' the whole document, for
-- 'update' the fields to $set, for 'customer_purchase' {transaction_id, date, amount,
-- loyalty_points} to append to purchase_history and add to loyalty_points.
CREATE TABLE outbox (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id                 TEXT NOT NULL UNIQUE, -- UUIDv7
    collection            TEXT NOT NULL,
    document_id           TEXT NOT NULL,
    op                    TEXT NOT NULL CHECK (op IN ('insert', 'update', 'customer_purchase')),
    payload               TEXT NOT NULL,
    state                 TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'parked')),
    attempts              INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    created_at            TEXT NOT NULL,
    delivered_at          TEXT
);
CREATE INDEX outbox_by_state ON outbox (state, seq);
-- Pulls ask whether a document still has local changes waiting.
CREATE INDEX outbox_by_document ON outbox (document_id, state);
