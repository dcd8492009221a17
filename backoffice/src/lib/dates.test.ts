import { describe, expect, it } from "vitest";
import { presets } from "./dates";

describe("ranges of days", () => {
  it("counts back from the business's today across a month and a year", () => {
    const ranges = Object.fromEntries(presets("2027-01-01").map((p) => [p.label, p.range]));
    expect(ranges["Today"]).toEqual({ from: "2027-01-01", to: "2027-01-01" });
    expect(ranges["Yesterday"]).toEqual({ from: "2026-12-31", to: "2026-12-31" });
    expect(ranges["Last 7 days"]).toEqual({ from: "2026-12-26", to: "2027-01-01" });
    expect(ranges["This month"]).toEqual({ from: "2027-01-01", to: "2027-01-01" });
  });

  it("knows a leap day", () => {
    const yesterday = presets("2028-03-01").find((p) => p.label === "Yesterday")!.range;
    expect(yesterday.from).toBe("2028-02-29");
  });
});
