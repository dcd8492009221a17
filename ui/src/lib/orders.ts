// The orders and transfers screens' view logic: which orders a tab shows, and what is
// being scanned (a delivery, a transfer) before it is written.
import type { OrderView, ReceivedInput, ScannedInput } from "./api";

export type OrderTab = "drafts" | "open" | "done";

/** Drafts; ordered and partly received (what is expected); received and cancelled. */
export function ordersIn(orders: OrderView[], tab: OrderTab): OrderView[] {
  const statuses = {
    drafts: ["draft"],
    open: ["ordered", "partially_received"],
    done: ["received", "cancelled"],
  }[tab];
  return orders.filter((o) => statuses.includes(o.status));
}

/** `lines` with `code` scanned once more (`add`), a product new to them starting as
 * `fresh`; each product once. */
function scan<T extends { code: string }>(
  lines: T[],
  code: string,
  fresh: (code: string) => T,
  add: (line: T) => T,
): T[] {
  const wanted = code.trim();
  if (wanted === "") return lines;
  if (lines.some((l) => l.code === wanted)) {
    return lines.map((l) => (l.code === wanted ? add(l) : l));
  }
  return [...lines, add(fresh(wanted))];
}

/** A delivery with one more of `code` scanned in, sound or `damaged`. */
export function scanIn(lines: ReceivedInput[], code: string, damaged: boolean): ReceivedInput[] {
  return scan(
    lines,
    code,
    (c) => ({ code: c, quantity: 0, damaged: 0 }),
    (l) => (damaged ? { ...l, damaged: Number(l.damaged) + 1 } : { ...l, quantity: Number(l.quantity) + 1 }),
  );
}

/** A transfer with one more of `code` scanned. */
export function scanOne(lines: ScannedInput[], code: string): ScannedInput[] {
  return scan(lines, code, (c) => ({ code: c, quantity: 0 }), (l) => ({ ...l, quantity: Number(l.quantity) + 1 }));
}
