import { describe, expect, it } from "vitest";
import { codeToScan, quickCash } from "./scan";

describe("the scan field", () => {
  it("looks up what was typed, trimmed", () => {
    expect(codeToScan(" 2000024333427\n")).toBe("2000024333427");
    expect(codeToScan("   ")).toBeNull();
  });
});

describe("quick cash amounts", () => {
  it("offers the exact total and the next round notes", () => {
    expect(quickCash("8.29")).toEqual(["8.29", "10", "20", "50"]);
    expect(quickCash("20.00")).toEqual(["20.00", "50", "100"]);
  });
  it("offers nothing for an empty sale", () => {
    expect(quickCash("0.00")).toEqual([]);
  });
});
