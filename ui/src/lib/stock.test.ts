import { describe, expect, it } from "vitest";
import { filterStock, readCorrection } from "./stock";

const items = [
  { sku: "DAI-001", name: "Whole Milk 1 gal", category: "Dairy", price: "4.29", stock: 18, threshold: 5, low: false, on_order: 0, in_transit: 0 },
  { sku: "PRO-001", name: "Bananas 1 lb", category: "Produce", price: "0.69", stock: 2, threshold: 10, low: true, on_order: 24, in_transit: 0 },
];

describe("the stock filter", () => {
  it("matches name, SKU or category in any case", () => {
    expect(filterStock(items, "milk").map((i) => i.sku)).toEqual(["DAI-001"]);
    expect(filterStock(items, "pro-").map((i) => i.sku)).toEqual(["PRO-001"]);
    expect(filterStock(items, "DAIRY").map((i) => i.sku)).toEqual(["DAI-001"]);
    expect(filterStock(items, "  ")).toHaveLength(2);
  });
});

describe("a correction", () => {
  it("reads a number alone as what was counted on the shelf", () => {
    expect(readCorrection("12", 5)).toEqual({ correction: { counted: 12 }, level: 12, change: 7 });
    expect(readCorrection(" 0 ", 5)).toEqual({ correction: { counted: 0 }, level: 0, change: -5 });
  });
  it("reads a signed number as a change, and says where it leaves the stock", () => {
    expect(readCorrection("-2", 5)).toEqual({ correction: { by: -2 }, level: 3, change: -2 });
    expect(readCorrection("+5", 5)).toEqual({ correction: { by: 5 }, level: 10, change: 5 });
    expect(readCorrection("-10", 5)).toEqual({ correction: { by: -10 }, level: -5, change: -10 });
  });
  it("refuses decimals, words and what changes nothing, in words", () => {
    for (const bad of ["1.5", "two", "", "--1"]) expect(readCorrection(bad, 5)).toHaveProperty("message");
    expect(readCorrection("5", 5)).toEqual({ message: "That leaves 5 in stock: there is nothing to correct." });
    expect(readCorrection("+0", 5)).toHaveProperty("message");
  });
});
