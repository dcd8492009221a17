import { describe, expect, it } from "vitest";
import { methodForKey, methodKey, withTender } from "./pay";
import type { PaymentMethodView } from "./api";

const methods: PaymentMethodView[] = [
  { name: "Cash", kind: "cash" },
  { name: "Credit Card", kind: "card" },
];

describe("the pay dialog", () => {
  it("adds a tender as typed; an empty amount pays the rest", () => {
    const card = withTender([], "Credit Card", " 5.00 ");
    expect(card).toEqual([{ method: "Credit Card", amount: "5.00" }]);
    expect(withTender(card, "Cash", "")).toEqual([
      { method: "Credit Card", amount: "5.00" },
      { method: "Cash", amount: null },
    ]);
    expect(card).toHaveLength(1);
  });
  it("picks methods with Alt and a digit", () => {
    expect(methodKey(0)).toBe("Alt+1");
    expect(methodKey(9)).toBeNull();
    expect(methodForKey(methods, { altKey: true, key: "2", code: "Digit2" })).toBe(methods[1]);
    expect(methodForKey(methods, { altKey: true, key: "¡", code: "Digit1" })).toBe(methods[0]);
    expect(methodForKey(methods, { altKey: false, key: "1", code: "Digit1" })).toBeNull();
    expect(methodForKey(methods, { altKey: true, key: "3", code: "Digit3" })).toBeNull();
  });
});
