import { describe, expect, it } from "vitest";
import type { OrderView } from "./api";
import { ordersIn, scanIn, scanOne } from "./orders";

const order = (number: string, status: OrderView["status"]): OrderView => ({
  id: number, number, supplier: "Valley Dairy", status, automatic: false, expected: null,
  total: "0.00", lines: [],
});

describe("ordersIn", () => {
  const all = [
    order("PO1", "draft"), order("PO2", "ordered"), order("PO3", "partially_received"),
    order("PO4", "received"), order("PO5", "cancelled"),
  ];
  it("puts what is expected under open", () => {
    expect(ordersIn(all, "open").map((o) => o.number)).toEqual(["PO2", "PO3"]);
  });
  it("keeps drafts and closed orders apart", () => {
    expect(ordersIn(all, "drafts").map((o) => o.number)).toEqual(["PO1"]);
    expect(ordersIn(all, "done").map((o) => o.number)).toEqual(["PO4", "PO5"]);
  });
});

describe("scanIn", () => {
  it("counts each scan of a product on one line, damaged apart", () => {
    let lines = scanIn([], "DAI-002", false);
    lines = scanIn(lines, " DAI-002 ", false);
    lines = scanIn(lines, "DAI-002", true);
    lines = scanIn(lines, "PRO-001", false);
    expect(lines).toEqual([
      { code: "DAI-002", quantity: 2, damaged: 1 },
      { code: "PRO-001", quantity: 1, damaged: 0 },
    ]);
  });
  it("ignores an empty scan", () => {
    expect(scanIn([], "  ", false)).toEqual([]);
  });
});

describe("scanOne", () => {
  it("adds one per scan of a product", () => {
    let lines = scanOne([], "DAI-002");
    lines = scanOne(lines, "DAI-002");
    lines = scanOne(lines, "PRO-001");
    lines = scanOne(lines, "");
    expect(lines).toEqual([
      { code: "DAI-002", quantity: 2 },
      { code: "PRO-001", quantity: 1 },
    ]);
  });
});
