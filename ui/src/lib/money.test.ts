import { describe, expect, it } from "vitest";
import { withSymbol } from "./money";

describe("amounts on screen", () => {
  it("put the currency's sign before the amount, after a minus", () => {
    expect(withSymbol("$", "8.78")).toBe("$8.78");
    expect(withSymbol("€", "-0.96")).toBe("−€0.96");
    expect(withSymbol("¥", "1200")).toBe("¥1200");
  });
});
