import { describe, expect, it } from "vitest";
import { decimal, thousandths, withUnit } from "./quantity";

describe("quantities", () => {
  it("read decimals of up to three places into exact thousandths", () => {
    expect(thousandths("2")).toBe(2000);
    expect(thousandths("0.742")).toBe(742);
    expect(thousandths(" -0,25 ")).toBe(-250);
    expect(thousandths("+5")).toBe(5000);
    for (const bad of ["", "1.2345", "two", "1e3", "--1", "1."]) expect(thousandths(bad)).toBeNull();
  });
  it("write thousandths as the shortest decimal", () => {
    expect(decimal(742)).toBe("0.742");
    expect(decimal(2000)).toBe("2");
    expect(decimal(-250)).toBe("-0.25");
    expect(decimal(1500 + 1250)).toBe("2.75");
  });
  it("name the unit of measured goods only", () => {
    expect(withUnit("0.742", "kg")).toBe("0.742 kg");
    expect(withUnit("2", "")).toBe("2");
  });
});
