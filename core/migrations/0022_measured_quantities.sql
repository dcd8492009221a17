-- Schema 22: goods sold by measure. A product has a unit (`piece`, `kg`, `g`, `lb`, `oz`,
-- `l`, `m`), and every quantity is now an INTEGER count of thousandths of its product's
-- unit (sellsync_contract::Quantity): two pieces are 2000, 0.742 kg is 742. Existing
-- quantities were all of pieces, so each is multiplied by 1000. A sale's item keeps the
-- unit it was sold in. Parked sales keep their items as JSON, where a whole quantity is
-- still written as the number of units: they need no change. The outbox's payloads are
-- central documents, where a whole quantity is an integer as before: unchanged too.
ALTER TABLE products ADD COLUMN unit TEXT NOT NULL DEFAULT 'piece'
    CHECK (unit IN ('piece', 'kg', 'g', 'lb', 'oz', 'l', 'm'));
UPDATE products SET opening_stock = opening_stock * 1000, stock = stock * 1000,
    stock_threshold = stock_threshold * 1000, reorder_quantity = reorder_quantity * 1000;

ALTER TABLE sale_items ADD COLUMN unit TEXT NOT NULL DEFAULT 'piece'
    CHECK (unit IN ('piece', 'kg', 'g', 'lb', 'oz', 'l', 'm'));
UPDATE sale_items SET quantity = quantity * 1000;
UPDATE stock_movements SET quantity = quantity * 1000;
UPDATE removed_lines SET quantity = quantity * 1000;
UPDATE purchase_order_items SET quantity_ordered = quantity_ordered * 1000,
    quantity_received = quantity_received * 1000, quantity_damaged = quantity_damaged * 1000;
UPDATE stock_transfer_items SET quantity_sent = quantity_sent * 1000,
    quantity_received = quantity_received * 1000;
UPDATE stock_count_lines SET counted = counted * 1000;
