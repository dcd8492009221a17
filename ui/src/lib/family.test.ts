import { describe, expect, it } from "vitest";
import { combinations, optionsOf } from "./family";

describe("the family grid", () => {
  it("reads the options typed, leaving out those with no name or values", () => {
    expect(optionsOf([{ name: " Size ", values: "S, M,,L " }, { name: "", values: "x" }, { name: "Colour", values: " " }]))
      .toEqual([{ name: "Size", values: ["S", "M", "L"] }]);
  });
  it("lays out every combination in order", () => {
    expect(combinations([{ values: ["S", "M"] }, { values: ["Navy", "White"] }])).toEqual([
      ["S", "Navy"], ["S", "White"], ["M", "Navy"], ["M", "White"],
    ]);
    expect(combinations([])).toEqual([]);
  });
});
