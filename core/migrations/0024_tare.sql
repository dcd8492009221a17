-- Schema 24: a product's tare, in thousandths of its unit: what its container weighs,
-- taken off what the scale weighs of it (0: none, and always for pieces).
ALTER TABLE products ADD COLUMN tare INTEGER NOT NULL DEFAULT 0 CHECK (tare >= 0);
