import { describe, expect, it } from "vitest";
import { picksOf, quantityProblem } from "./returns";

describe("picksOf", () => {
  it("leaves out the lines not picked and keeps each line's index and mark", () => {
    expect(picksOf([0, 2, 0, 1], [true, false, false, true])).toEqual([
      { line: 1, quantity: 2, damaged: false },
      { line: 3, quantity: 1, damaged: true },
    ]);
  });

  it("sends a negative quantity on for core to refuse in words", () => {
    expect(picksOf([-1], [])).toEqual([{ line: 0, quantity: -1, damaged: false }]);
  });

  it("leaves out an empty field", () => {
    expect(picksOf([Number.NaN, 1], [])).toEqual([{ line: 1, quantity: 1, damaged: false }]);
  });
});

describe("quantityProblem", () => {
  it("refuses part of an item in words, and leaves the range to core", () => {
    expect(quantityProblem([1.5, null])).toBe("Items come back whole: 1.5 is not a number of items.");
    expect(quantityProblem([null, 2, -1])).toBeNull();
    expect(quantityProblem([Number.NaN])).toBeNull();
  });
});
