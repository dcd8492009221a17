-- Every count of the drawer at a shift's close, the refused ones too. The close is blind:
-- the till never shows the expected cash before a count is recorded, a count off by more
-- than the business allows is counted again, and the Z report prints every count.
CREATE TABLE drawer_counts (
    shift_id              TEXT NOT NULL REFERENCES shifts(_id),
    seq                   INTEGER NOT NULL,     -- 1 for the first count of the close
    counted               TEXT NOT NULL,        -- the count (total and denominations), JSON
    over_short            INTEGER NOT NULL,     -- counted less the cash expected then
    counted_by            TEXT NOT NULL REFERENCES users(_id),
    counted_at            TEXT NOT NULL,
    PRIMARY KEY (shift_id, seq)
) WITHOUT ROWID;
