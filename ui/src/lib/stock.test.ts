import { describe, expect, it } from "vitest";
import { filterStock, readCorrection } from "./stock";

const items = [
  { sku: "DAI-001", name: "Whole Milk 1 gal", category: "Dairy", price: "4.29", stock: "18", threshold: "5", unit: "", low: false, on_order: "0", in_transit: "0" },
  { sku: "PRO-010", name: "Bananas", category: "Produce", price: "0.69", stock: "2.250", threshold: "10.000", unit: "kg", low: true, on_order: "24.000", in_transit: "0.000" },
];

describe("the stock filter", () => {
  it("matches name, SKU or category in any case", () => {
    expect(filterStock(items, "milk").map((i) => i.sku)).toEqual(["DAI-001"]);
    expect(filterStock(items, "pro-").map((i) => i.sku)).toEqual(["PRO-010"]);
    expect(filterStock(items, "DAIRY").map((i) => i.sku)).toEqual(["DAI-001"]);
    expect(filterStock(items, "  ")).toHaveLength(2);
  });
});

describe("a correction", () => {
  it("reads a number alone as what was counted on the shelf", () => {
    expect(readCorrection("12", "5")).toEqual({ correction: { counted: "12" }, level: "12", change: "7" });
    expect(readCorrection(" 0 ", "5")).toEqual({ correction: { counted: "0" }, level: "0", change: "-5" });
  });
  it("reads a signed number as a change, and says where it leaves the stock", () => {
    expect(readCorrection("-2", "5")).toEqual({ correction: { by: "-2" }, level: "3", change: "-2" });
    expect(readCorrection("+5", "5")).toEqual({ correction: { by: "5" }, level: "10", change: "5" });
    expect(readCorrection("-10", "5")).toEqual({ correction: { by: "-10" }, level: "-5", change: "-10" });
  });
  it("reads part of a weight exactly", () => {
    expect(readCorrection("-0.25", "2.250")).toEqual({ correction: { by: "-0.25" }, level: "2", change: "-0.25" });
    expect(readCorrection("1.1", "2.250")).toEqual({ correction: { counted: "1.1" }, level: "1.1", change: "-1.15" });
  });
  it("refuses words, more than three decimals and what changes nothing, in words", () => {
    for (const bad of ["1.2345", "two", "", "--1"]) expect(readCorrection(bad, "5")).toHaveProperty("message");
    expect(readCorrection("5", "5")).toEqual({ message: "That leaves 5 in stock: there is nothing to correct." });
    expect(readCorrection("+0", "5")).toHaveProperty("message");
  });
});
