// The pay dialog's view logic: the tenders taken so far and the keys of the methods.
// Core adds the amounts up and says what is left; nothing here counts money.
import type { PaymentMethodView, TenderInput } from "./api";

/** The tenders so far plus one of `method` for `typed` (empty: the rest). */
export function withTender(taken: TenderInput[], method: string, typed: string): TenderInput[] {
  const amount = typed.trim();
  return [...taken, { method, amount: amount === "" ? null : amount }];
}

/** The key that picks the n-th payment method in the pay dialog: Alt+1, Alt+2, … */
export function methodKey(index: number): string | null {
  return index < 9 ? `Alt+${index + 1}` : null;
}

/** The method an Alt+digit key press picks, if any. */
export function methodForKey(methods: PaymentMethodView[], e: { altKey: boolean; key: string; code?: string }): PaymentMethodView | null {
  if (!e.altKey) return null;
  const digit = /^Digit([1-9])$/.exec(e.code ?? "")?.[1] ?? (/^[1-9]$/.test(e.key) ? e.key : null);
  return digit === null ? null : (methods[Number(digit) - 1] ?? null);
}
