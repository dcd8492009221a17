// The PIN pad's entry: digits only, at most 8 (PINs are 4 to 8 digits), shown as dots.

export const MAX_PIN = 8;

/** The entry after a key: a digit adds, Backspace removes the last, anything else nothing. */
export function pressKey(pin: string, key: string): string {
  if (key === "Backspace") return pin.slice(0, -1);
  if (/^[0-9]$/.test(key) && pin.length < MAX_PIN) return pin + key;
  return pin;
}

/** What the pad shows: a dot per digit typed. */
export function masked(pin: string): string {
  return "•".repeat(pin.length);
}

/** Whether Enter may sign in. */
export function complete(pin: string): boolean {
  return pin.length >= 4;
}
