-- Schema 25: variants. A product of a family (a T-shirt in sizes and colours) carries the
-- family's id and name and its value of each of the family's options, as JSON
-- `[["Size", "M"], ["Colour", "Blue"]]`; a product of no family has NULL in all three.
ALTER TABLE products ADD COLUMN family_id TEXT;
ALTER TABLE products ADD COLUMN family_name TEXT;
ALTER TABLE products ADD COLUMN options TEXT;
CREATE INDEX products_by_family ON products (family_id) WHERE family_id IS NOT NULL;
