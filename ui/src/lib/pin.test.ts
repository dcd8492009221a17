import { describe, expect, it } from "vitest";
import { complete, masked, pressKey, staffChanged } from "./pin";

describe("the PIN pad", () => {
  it("takes digits up to eight", () => {
    let pin = "";
    for (const key of "123456789") pin = pressKey(pin, key);
    expect(pin).toBe("12345678");
  });
  it("ignores letters and other keys", () => {
    expect(pressKey("12", "a")).toBe("12");
    expect(pressKey("12", "Enter")).toBe("12");
    expect(pressKey("12", "12")).toBe("12");
  });
  it("removes the last digit on Backspace", () => {
    expect(pressKey("123", "Backspace")).toBe("12");
    expect(pressKey("", "Backspace")).toBe("");
  });
  it("shows dots and signs in from four digits", () => {
    expect(masked("1234")).toBe("••••");
    expect(complete("123")).toBe(false);
    expect(complete("1234")).toBe(true);
  });
  it("reads the staff list again only when a refusal changed it", () => {
    expect(staffChanged("account_locked")).toBe(true);
    expect(staffChanged("unknown_user")).toBe(true);
    expect(staffChanged("wrong_secret")).toBe(false);
    expect(staffChanged(null)).toBe(false);
  });
});
