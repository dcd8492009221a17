// The return screen's picks: what the cashier keyed per line of the sale, as core takes
// it. Core decides what may come back; this only leaves out the lines not picked.
import type { PickInput } from "./api";

/** The lines with a quantity to take back, each with its damaged mark. */
export function picksOf(quantities: number[], damaged: boolean[]): PickInput[] {
  return quantities
    .map((quantity, line) => ({ line, quantity, damaged: damaged[line] ?? false }))
    .filter((p) => Number.isFinite(p.quantity) && p.quantity !== 0);
}

/** Why the quantities keyed cannot be sent, in a cashier's words (null: they can). Items
 * come back whole; how many of each is core's to check. */
export function quantityProblem(quantities: (number | null)[]): string | null {
  const bad = quantities.find((q) => q !== null && Number.isFinite(q) && !Number.isInteger(q));
  return bad === undefined ? null : `Items come back whole: ${bad} is not a number of items.`;
}
