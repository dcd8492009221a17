// The scan field: a barcode scanner types digits and Enter, a cashier types a code.

/** The code to look up when Enter is pressed in the scan field, or null for nothing. */
export function codeToScan(typed: string): string | null {
  const code = typed.trim();
  return code === "" ? null : code;
}

/** Quick cash amounts for a total: the exact amount, then the next round notes above it. */
export function quickCash(total: string): string[] {
  const value = Number(total);
  if (!Number.isFinite(value) || value <= 0) return [];
  const amounts = [value];
  for (const note of [5, 10, 20, 50, 100]) {
    const rounded = Math.ceil(value / note) * note;
    if (rounded > value && !amounts.includes(rounded)) amounts.push(rounded);
    if (amounts.length === 4) break;
  }
  return amounts.map((a) => (a === value ? total : String(a)));
}
