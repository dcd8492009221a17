-- Schema 6: stock per store.
--
-- A product's stock on a till is the level of the till's own store: `opening_stock` is
-- that store's opening stock and `stock` caches opening_stock + SUM(this store's
-- movements). Until now the pull counted every store's movements into one figure; the
-- ledger keeps only this store's from now on (the others stay central, where each store
-- has its own level), and the cache is recomputed from it. The opening stock is
-- corrected from the central level of this store at the next pull.

DELETE FROM stock_movements
WHERE store_id <> (SELECT store_id FROM till WHERE id = 1);

UPDATE products
SET stock = opening_stock + COALESCE(
    (SELECT SUM(m.quantity) FROM stock_movements m WHERE m.product_id = products._id), 0);
