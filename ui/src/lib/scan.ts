// The scan field: a barcode scanner types digits and Enter, a cashier types a code or
// the first letters of a name.

/** The code to look up when Enter is pressed in the scan field, or null for nothing. */
export function codeToScan(typed: string): string | null {
  const code = typed.trim();
  return code === "" ? null : code;
}

/** Whether what is typed so far is worth a search by name: at least two characters and
 * a letter among them. A scanner's digits never search. */
export function wantsSearch(typed: string): boolean {
  const text = typed.trim();
  return text.length >= 2 && /\p{L}/u.test(text);
}

/** The highlighted search result after an arrow key: -1 is none (Enter scans the code). */
export function moveHighlight(current: number, count: number, key: string): number {
  if (count === 0) return -1;
  if (key === "ArrowDown") return Math.min(current + 1, count - 1);
  if (key === "ArrowUp") return Math.max(current - 1, -1);
  return current;
}
