import { describe, expect, it } from "vitest";
import { readOptions, variantOf } from "./family";
import type { Schemas } from "./api";

describe("a family's options as written", () => {
  it("reads one option a line, its values after a colon", () => {
    expect(readOptions("Size: S, M ,L\r\n\nColour: Navy, Red,\n")).toEqual({
      options: [
        { name: "Size", values: ["S", "M", "L"] },
        { name: "Colour", values: ["Navy", "Red"] },
      ],
    });
  });

  it("says how to write a line it cannot read", () => {
    expect(readOptions("Size S M L")).toEqual({
      error: 'Write each option on a line of its own, its values after a colon: "Size: S, M, L" (not "Size S M L").',
    });
    expect(readOptions(": S")).toHaveProperty("error");
    expect(readOptions("Size:")).toHaveProperty("error");
    expect(readOptions(" \n ")).toHaveProperty("error");
  });
});

describe("a variant as a row shows it", () => {
  const product = (over: Partial<Schemas["Product"]>) => ({ family_name: undefined, options: undefined, ...over }) as Schemas["Product"];
  it("names its family and values, and nothing for a product of no family", () => {
    expect(
      variantOf(product({ family_name: "Crew T-shirt", options: [{ name: "Size", value: "M" }, { name: "Colour", value: "Navy" }] })),
    ).toBe("Crew T-shirt · M / Navy");
    expect(variantOf(product({}))).toBe("");
  });
});
