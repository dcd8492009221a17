// The scan field: a barcode scanner types digits and Enter, a cashier types a code, the
// first letters of a name, or a quantity and `*` before a scan (`12*`, then the scan).

/** What Enter in the scan field asks for. */
export type Entry =
  | { kind: "none" }
  | { kind: "scan"; code: string; quantity: number }
  | { kind: "set-quantity"; quantity: number }
  | { kind: "refused"; message: string };

const WHOLE = /^\d+$/;
const DECIMAL = /^\d*[.,]\d+$/;

/** A quantity as typed before `*`, or the words saying why it is not one (its range is
 * core's to check). */
export function readQuantity(text: string): { quantity: number } | { message: string } {
  const typed = text.trim();
  if (DECIMAL.test(typed)) {
    return { message: `${typed} is not a number of items: type a whole number, like 3, then *.` };
  }
  if (!WHOLE.test(typed)) {
    return { message: "Type how many first, then *: for example 12* and then scan the item." };
  }
  return { quantity: Number(typed) };
}

/**
 * What Enter does with what is typed, `pending` being a quantity keyed before (`12*`):
 * scan a code (of the pending quantity, or of `N*CODE` typed whole), set the highlighted
 * line to the pending quantity (Enter with nothing typed), or refuse in words.
 */
export function readEntry(typed: string, pending: number | null): Entry {
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
  return { kind: "scan", code: text, quantity: quantity ?? 1 };
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
