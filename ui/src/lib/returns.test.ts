import { describe, expect, it } from "vitest";
import { picksOf, quantityProblem } from "./returns";

describe("picksOf", () => {
  it("leaves out the lines not picked and keeps each line's index and mark", () => {
    expect(picksOf(["0", "2", "", "1"], [true, false, false, true])).toEqual([
      { line: 1, quantity: "2", damaged: false },
      { line: 3, quantity: "1", damaged: true },
    ]);
  });

  it("sends part of a weight, and a negative quantity for core to refuse in words", () => {
    expect(picksOf(["0.250", "-1"], [])).toEqual([
      { line: 0, quantity: "0.250", damaged: false },
      { line: 1, quantity: "-1", damaged: false },
    ]);
  });
});

describe("quantityProblem", () => {
  it("refuses what is no quantity in words, and leaves the rest to core", () => {
    expect(quantityProblem(["two", ""])).toBe("two is not a quantity: type how many come back, such as 2 (or 0.250 of a weight).");
    expect(quantityProblem(["", "2", "-1", "1.5"])).toBeNull();
    expect(quantityProblem(["0.0001"])).not.toBeNull();
  });
});
