// The stock screen's view logic: which rows show, and what an adjustment form sends.
import type { StockView } from "./api";

/** Rows whose name, SKU or category contains `filter` (any case). */
export function filterStock(items: StockView[], filter: string): StockView[] {
  const wanted = filter.trim().toLowerCase();
  if (wanted === "") return items;
  return items.filter((item) =>
    [item.name, item.sku, item.category].some((field) => field.toLowerCase().includes(wanted)),
  );
}

/** The change typed in the adjust form ("-2", "+5", "3"), or null if it is not a whole
 * number other than zero. */
export function parseDelta(text: string): number | null {
  const match = /^\s*([+-]?\d{1,6})\s*$/.exec(text);
  if (match === null) return null;
  const delta = Number(match[1]);
  return delta === 0 ? null : delta;
}
