// The stock screen's view logic: which rows show, and what a correction form sends.
import type { CorrectionInput, StockView } from "./api";
import { decimal, thousandths } from "./quantity";

/** Rows whose name, SKU or category contains `filter` (any case). */
export function filterStock(items: StockView[], filter: string): StockView[] {
  const wanted = filter.trim().toLowerCase();
  if (wanted === "") return items;
  return items.filter((item) =>
    [item.name, item.sku, item.category].some((field) => field.toLowerCase().includes(wanted)),
  );
}

/** A correction as typed and what it leaves in stock (decimals, as the shell writes them). */
export type Correction = { correction: CorrectionInput; level: string; change: string };

/**
 * Reads a correction of a product holding `stock`: a number alone is what was counted on
 * the shelf (`12`, `0`, `2.5` of a weight), a signed one a change (`-2`, `+5`). Refused in
 * words: anything else, or what changes nothing. Whether a piece product may take a
 * decimal is core's to say.
 */
export function readCorrection(text: string, stock: string): Correction | { message: string } {
  const n = thousandths(text);
  const held = thousandths(stock) ?? 0;
  if (n === null) {
    return { message: "Type what is on the shelf (such as 12) or a change (such as -2 or +5)." };
  }
  const signed = /^\s*[+-]/.test(text);
  const level = signed ? held + n : n;
  if (!signed && n < 0) {
    return { message: "Type what is on the shelf (such as 12) or a change (such as -2 or +5)." };
  }
  if (level === held) return { message: `That leaves ${stock} in stock: there is nothing to correct.` };
  const correction: CorrectionInput = signed ? { by: decimal(n) } : { counted: decimal(n) };
  return { correction, level: decimal(level), change: decimal(level - held) };
}
