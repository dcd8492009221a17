-- Schema 2: full-text search of the catalog by name, SKU and category.
-- Prefix queries ("choc milk" finds "Chocolate Milk 1 L") through an external-content
-- FTS5 index over products, kept current by triggers.

CREATE VIRTUAL TABLE products_search USING fts5(
    product_name, sku, category,
    content = 'products', content_rowid = 'local_id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_search (rowid, product_name, sku, category)
    VALUES (new.local_id, new.product_name, new.sku, new.category);
END;

CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_search (products_search, rowid, product_name, sku, category)
    VALUES ('delete', old.local_id, old.product_name, old.sku, old.category);
END;

CREATE TRIGGER products_search_update AFTER UPDATE OF product_name, sku, category ON products BEGIN
    INSERT INTO products_search (products_search, rowid, product_name, sku, category)
    VALUES ('delete', old.local_id, old.product_name, old.sku, old.category);
    INSERT INTO products_search (rowid, product_name, sku, category)
    VALUES (new.local_id, new.product_name, new.sku, new.category);
END;

INSERT INTO products_search (products_search) VALUES ('rebuild');
