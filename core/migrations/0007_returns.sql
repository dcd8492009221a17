-- Schema 7: returns.
--
-- A return is a document of its own in sales_transactions (transaction_type 'return'),
-- numbered by its till's own return counter, pointing at the sale it returns (NULL for a
-- return without a receipt). Its amounts are what goes back, as positive numbers; its
-- items name the line of the sale they return and whether they came back damaged (a
-- damaged unit is written off: it does not go back to stock). On a return,
-- loyalty_points_earned holds the points taken back and loyalty_points_redeemed the
-- points given back.

ALTER TABLE businesses ADD COLUMN return_window_days INTEGER NOT NULL DEFAULT 30
    CHECK (return_window_days >= 0);
-- Minor units: a cashier refunds up to this much without a manager's PIN.
ALTER TABLE businesses ADD COLUMN cashier_refund_limit INTEGER NOT NULL DEFAULT 10000
    CHECK (cashier_refund_limit >= 0);

ALTER TABLE till ADD COLUMN next_return_number INTEGER NOT NULL DEFAULT 1;

ALTER TABLE sales_transactions ADD COLUMN transaction_type TEXT NOT NULL DEFAULT 'sale'
    CHECK (transaction_type IN ('sale', 'return'));
ALTER TABLE sales_transactions ADD COLUMN original_transaction_id TEXT
    REFERENCES sales_transactions(_id);
ALTER TABLE sales_transactions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sales_transactions ADD COLUMN approved_by TEXT REFERENCES users(_id);
CREATE INDEX sales_by_original ON sales_transactions (original_transaction_id);

ALTER TABLE sale_items ADD COLUMN original_line_no INTEGER;
ALTER TABLE sale_items ADD COLUMN damaged INTEGER NOT NULL DEFAULT 0 CHECK (damaged IN (0, 1));

-- The new permission process_returns goes to whoever may sell today (each role gives it to
-- its new users); a manager takes it away from a user who should not take returns.
UPDATE users SET permissions = json_insert(permissions, '$[#]', 'process_returns')
WHERE EXISTS (SELECT 1 FROM json_each(users.permissions) WHERE value = 'process_sales')
  AND NOT EXISTS (SELECT 1 FROM json_each(users.permissions) WHERE value = 'process_returns');
