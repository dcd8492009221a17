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

/** Whether a refused sign-in changed the staff list: the account is now locked, or the
 * person is no longer staff here. A plain wrong PIN changes nothing to read again. */
export function staffChanged(code: string | null): boolean {
  return code === "account_locked" || code === "unknown_user";
}

/** Whether Enter may sign in. */
export function complete(pin: string): boolean {
  return pin.length >= 4;
}
