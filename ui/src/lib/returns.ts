// The return screen's picks: what the cashier keyed per line of the sale, as core takes
// it. Core decides what may come back; this only leaves out the lines not picked.
import type { PickInput } from "./api";
import { thousandths } from "./quantity";

/** The lines with a quantity to take back (as typed: `2`, or `0.250` of a weight), each
 * with its damaged mark. */
export function picksOf(quantities: string[], damaged: boolean[]): PickInput[] {
  return quantities
    .map((quantity, line) => ({ line, quantity: (quantity ?? "").trim(), damaged: damaged[line] ?? false }))
    .filter((p) => p.quantity !== "" && thousandths(p.quantity) !== 0);
}

/** Why the quantities keyed cannot be sent, in a cashier's words (null: they can). A
 * quantity is a decimal of at most three places; whether a piece may come back in part,
 * and how many, is core's to check. */
export function quantityProblem(quantities: string[]): string | null {
  const bad = quantities.find((q) => (q ?? "").trim() !== "" && thousandths(q) === null);
  return bad === undefined ? null : `${bad.trim()} is not a quantity: type how many come back, such as 2 (or 0.250 of a weight).`;
}
