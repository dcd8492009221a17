-- Store credit: a customer's balance from refunds given as credit instead of money, spent
-- at the pay dialog like a tender. It moves by deltas (on customer_purchase operations),
-- as loyalty points do, so that tills crediting and spending offline add up centrally.
ALTER TABLE customers ADD COLUMN store_credit INTEGER NOT NULL DEFAULT 0
    CHECK (store_credit >= 0);
