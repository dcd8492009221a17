import { describe, expect, it } from "vitest";
import { moveHighlight, readEntry, readQuantity, wantsSearch } from "./scan";

describe("the scan field", () => {
  it("scans what was typed, trimmed, one of it", () => {
    expect(readEntry(" 2000024333427\n", null)).toEqual({ kind: "scan", code: "2000024333427", quantity: null });
    expect(readEntry("   ", null)).toEqual({ kind: "none" });
  });
  it("takes a quantity keyed before the scan, or typed with it", () => {
    expect(readEntry("PRO-001", "12")).toEqual({ kind: "scan", code: "PRO-001", quantity: "12" });
    expect(readEntry("3*PRO-001", null)).toEqual({ kind: "scan", code: "PRO-001", quantity: "3" });
    expect(readEntry("3 * 2000024333427", "5")).toEqual({ kind: "scan", code: "2000024333427", quantity: "3" });
  });
  it("takes a weight keyed before the scan, exactly", () => {
    expect(readEntry("0.742*PRO-010", null)).toEqual({ kind: "scan", code: "PRO-010", quantity: "0.742" });
    expect(readEntry("1,5*PRO-010", null)).toEqual({ kind: "scan", code: "PRO-010", quantity: "1.5" });
  });
  it("sets the highlighted line to a quantity keyed with nothing after it", () => {
    expect(readEntry("", "12")).toEqual({ kind: "set-quantity", quantity: "12" });
    expect(readEntry("7*", null)).toEqual({ kind: "set-quantity", quantity: "7" });
  });
  it("refuses in words what is not a quantity or not a code", () => {
    const refused = (typed: string) => {
      const entry = readEntry(typed, null);
      return entry.kind === "refused" ? entry.message : null;
    };
    expect(refused("1.5")).toContain("1.5 is not a barcode or SKU");
    expect(refused("1.2345*PRO-010")).toContain("Type how many first");
    expect(refused("*PRO-001")).toContain("Type how many first");
    expect(refused("-2*PRO-001")).toContain("Type how many first");
  });
  it("reads a quantity keyed before *", () => {
    expect(readQuantity("12")).toEqual({ quantity: "12" });
    expect(readQuantity("0.750")).toEqual({ quantity: "0.75" });
    expect(readQuantity("abc")).toHaveProperty("message");
  });
  it("searches by name only for letters, never for a scanner's digits or a quantity", () => {
    expect(wantsSearch("choc")).toBe(true);
    expect(wantsSearch("PRO-001")).toBe(true);
    expect(wantsSearch("café")).toBe(true);
    expect(wantsSearch("2000024333427")).toBe(false);
    expect(wantsSearch("c")).toBe(false);
    expect(wantsSearch("  ")).toBe(false);
    expect(wantsSearch("3*choc")).toBe(false);
  });
  it("moves the highlight through the results and back to none", () => {
    expect(moveHighlight(-1, 3, "ArrowDown")).toBe(0);
    expect(moveHighlight(2, 3, "ArrowDown")).toBe(2);
    expect(moveHighlight(0, 3, "ArrowUp")).toBe(-1);
    expect(moveHighlight(-1, 3, "ArrowUp")).toBe(-1);
    expect(moveHighlight(1, 0, "ArrowDown")).toBe(-1);
    expect(moveHighlight(1, 3, "a")).toBe(1);
  });
});
