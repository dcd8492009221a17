import { describe, expect, it } from "vitest";
import { filterStock, parseDelta } from "./stock";

const items = [
  { sku: "DAI-001", name: "Whole Milk 1 gal", category: "Dairy", stock: 18, threshold: 5, low: false, on_order: 0, in_transit: 0 },
  { sku: "PRO-001", name: "Bananas 1 lb", category: "Produce", stock: 2, threshold: 10, low: true, on_order: 24, in_transit: 0 },
];

describe("the stock filter", () => {
  it("matches name, SKU or category in any case", () => {
    expect(filterStock(items, "milk").map((i) => i.sku)).toEqual(["DAI-001"]);
    expect(filterStock(items, "pro-").map((i) => i.sku)).toEqual(["PRO-001"]);
    expect(filterStock(items, "DAIRY").map((i) => i.sku)).toEqual(["DAI-001"]);
    expect(filterStock(items, "  ")).toHaveLength(2);
  });
});

describe("the adjustment", () => {
  it("reads signed whole numbers", () => {
    expect(parseDelta("-2")).toBe(-2);
    expect(parseDelta(" +5 ")).toBe(5);
    expect(parseDelta("3")).toBe(3);
  });
  it("refuses zero, decimals and words", () => {
    for (const bad of ["0", "1.5", "two", "", "--1"]) expect(parseDelta(bad)).toBeNull();
  });
});
