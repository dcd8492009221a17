// The stock screen's view logic: which rows show, and what a correction form sends.
import type { CorrectionInput, StockView } from "./api";

/** Rows whose name, SKU or category contains `filter` (any case). */
export function filterStock(items: StockView[], filter: string): StockView[] {
  const wanted = filter.trim().toLowerCase();
  if (wanted === "") return items;
  return items.filter((item) =>
    [item.name, item.sku, item.category].some((field) => field.toLowerCase().includes(wanted)),
  );
}

/** A correction as typed and what it leaves in stock. */
export type Correction = { correction: CorrectionInput; level: number; change: number };

/**
 * Reads a correction of a product holding `stock`: a number alone is what was counted on
 * the shelf (`12`, `0`), a signed one a change (`-2`, `+5`). Refused in words: anything
 * else, or what changes nothing.
 */
export function readCorrection(text: string, stock: number): Correction | { message: string } {
  const match = /^\s*([+-]?)(\d{1,6})\s*$/.exec(text);
  if (match === null) {
    return { message: "Type what is on the shelf (such as 12) or a change (such as -2 or +5)." };
  }
  const [, sign, digits] = match;
  const n = Number(digits);
  const read: Correction =
    sign === ""
      ? { correction: { counted: n }, level: n, change: n - stock }
      : { correction: { by: sign === "-" ? -n : n }, level: stock + (sign === "-" ? -n : n), change: sign === "-" ? -n : n };
  return read.change === 0 ? { message: `That leaves ${stock} in stock: there is nothing to correct.` } : read;
}
