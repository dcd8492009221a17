// The return screen's picks: what the cashier keyed per line of the sale, as core takes
// it. Core decides what may come back; this only leaves out the lines not picked.
import type { PickInput } from "./api";

/** The lines with a quantity to take back, each with its damaged mark. */
export function picksOf(quantities: number[], damaged: boolean[]): PickInput[] {
  return quantities
    .map((quantity, line) => ({ line, quantity, damaged: damaged[line] ?? false }))
    .filter((p) => Number.isFinite(p.quantity) && p.quantity !== 0);
}
