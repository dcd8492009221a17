-- settings.barcode_rules: how the business's price and weight labels are read, as JSON
-- (sellsync_contract::embedded_barcodes::BarcodeRule, positions from 0); NULL: none.
ALTER TABLE businesses ADD COLUMN barcode_rules TEXT;
