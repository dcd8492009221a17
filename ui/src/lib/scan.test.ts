import { describe, expect, it } from "vitest";
import { codeToScan, moveHighlight, wantsSearch } from "./scan";

describe("the scan field", () => {
  it("looks up what was typed, trimmed", () => {
    expect(codeToScan(" 2000024333427\n")).toBe("2000024333427");
    expect(codeToScan("   ")).toBeNull();
  });
  it("searches by name only for letters, never for a scanner's digits", () => {
    expect(wantsSearch("choc")).toBe(true);
    expect(wantsSearch("PRO-001")).toBe(true);
    expect(wantsSearch("café")).toBe(true);
    expect(wantsSearch("2000024333427")).toBe(false);
    expect(wantsSearch("c")).toBe(false);
    expect(wantsSearch("  ")).toBe(false);
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
