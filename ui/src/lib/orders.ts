// The orders screen's view logic: which orders a tab shows, and the delivery being
// scanned in before it is received.
import type { Order, ReceivedInput } from "./api";

export type OrderTab = "drafts" | "open" | "done";

/** Drafts; ordered and partly received (what is expected); received and cancelled. */
export function ordersIn(orders: Order[], tab: OrderTab): Order[] {
  const statuses = {
    drafts: ["draft"],
    open: ["ordered", "partially_received"],
    done: ["received", "cancelled"],
  }[tab];
  return orders.filter((o) => statuses.includes(o.status));
}

/** `lines` with one more of `code` scanned in (sound, or `damaged`): each product once. */
export function scanIn(lines: ReceivedInput[], code: string, damaged: boolean): ReceivedInput[] {
  const wanted = code.trim();
  if (wanted === "") return lines;
  const found = lines.find((l) => l.code === wanted);
  const add = (l: ReceivedInput) =>
    damaged ? { ...l, damaged: l.damaged + 1 } : { ...l, quantity: l.quantity + 1 };
  if (found) return lines.map((l) => (l === found ? add(l) : l));
  return [...lines, add({ code: wanted, quantity: 0, damaged: 0 })];
}
