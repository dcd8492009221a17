// The scan field: a barcode scanner types digits and Enter, a cashier types a code, the
// first letters of a name, or a quantity and `*` before a scan (`12*`, then the scan; a
// weight keyed for goods sold by weight: `0.742*`, then the scan).

import { decimal, thousandths } from "./quantity";

/** What Enter in the scan field asks for. Quantities are decimals as the shell reads
 * them (`3`, `0.742`): no binary fraction travels. A scan with no quantity keyed is of
 * one, or, for goods sold by weight, of what the scale weighs. */
export type Entry =
  | { kind: "none" }
  | { kind: "scan"; code: string; quantity: string | null }
  | { kind: "set-quantity"; quantity: string }
  | { kind: "refused"; message: string };

const DECIMAL = /^\d*[.,]\d+$/;

/** A quantity as typed before `*` (a count, or a weight of at most three decimals), or the
 * words saying why it is not one. Whether the item takes it (a piece is never 1.5) and
 * its range are core's to check. */
export function readQuantity(text: string): { quantity: string } | { message: string } {
  const typed = text.trim();
  const n = /^[\d.,]+$/.test(typed) ? thousandths(typed) : null;
  if (n === null) {
    return { message: "Type how many first, then *: for example 12* (or a weight, 0.742*) and then scan the item." };
  }
  return { quantity: decimal(n) };
}

/**
 * What Enter does with what is typed, `pending` being a quantity keyed before (`12*`):
 * scan a code (of the pending quantity, or of `N*CODE` typed whole), set the highlighted
 * line to the pending quantity (Enter with nothing typed), or refuse in words.
 */
export function readEntry(typed: string, pending: string | null): Entry {
  let text = typed.trim();
  let quantity = pending;
  const star = text.indexOf("*");
  if (star >= 0) {
    const read = readQuantity(text.slice(0, star));
    if ("message" in read) return { kind: "refused", message: read.message };
    quantity = read.quantity;
    text = text.slice(star + 1).trim();
  }
  if (text === "") {
    return quantity === null ? { kind: "none" } : { kind: "set-quantity", quantity };
  }
  if (DECIMAL.test(text)) {
    return {
      kind: "refused",
      message: `${text} is not a barcode or SKU. To sell several of an item, type how many, then *, then scan it.`,
    };
  }
  return { kind: "scan", code: text, quantity };
}

/** Whether what is typed so far is worth a search by name: at least two characters and
 * a letter among them. A scanner's digits never search. */
export function wantsSearch(typed: string): boolean {
  const text = typed.trim();
  return text.length >= 2 && /\p{L}/u.test(text) && !text.includes("*");
}

/** The highlighted search result after an arrow key: -1 is none (Enter scans the code). */
export function moveHighlight(current: number, count: number, key: string): number {
  if (count === 0) return -1;
  if (key === "ArrowDown") return Math.min(current + 1, count - 1);
  if (key === "ArrowUp") return Math.max(current - 1, -1);
  return current;
}
