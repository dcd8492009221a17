// Amounts arrive formatted by core (`8.78`, `-0.96`, `1200`); the screen puts the
// currency's sign before the big ones.

/** `8.78` with `$` → `$8.78`; a negative amount keeps its sign in front: `−$0.96`. */
export function withSymbol(symbol: string, amount: string): string {
  return amount.startsWith("-") ? `−${symbol}${amount.slice(1)}` : `${symbol}${amount}`;
}
