// Quantities as the shell sends them: decimal strings of at most three places ("2",
// "0.742"). Sums and previews are done in whole thousandths, which JavaScript's numbers
// hold exactly; what a quantity may be is core's to decide.

const DECIMAL = /^\s*([+-]?)(\d{1,9})(?:[.,](\d{1,3}))?\s*$/;

/** `text` in thousandths of its unit ("0.742" → 742, "-2" → -2000), or null when it is
 * not a decimal of at most three places. */
export function thousandths(text: string): number | null {
  const match = DECIMAL.exec(text);
  if (match === null) return null;
  const [, sign, whole, fraction = ""] = match;
  const n = Number(whole) * 1000 + Number(fraction.padEnd(3, "0"));
  return sign === "-" ? -n : n;
}

/** Thousandths as the shortest decimal: 742 → "0.742", 2000 → "2", -250 → "-0.25". */
export function decimal(thousandths: number): string {
  const sign = thousandths < 0 ? "-" : "";
  const abs = Math.abs(thousandths);
  const fraction = String(abs % 1000).padStart(3, "0").replace(/0+$/, "");
  return `${sign}${Math.floor(abs / 1000)}${fraction ? `.${fraction}` : ""}`;
}

/** A quantity with its unit for a person: "2", "0.742 kg". */
export function withUnit(quantity: string, unit: string): string {
  return unit ? `${quantity} ${unit}` : quantity;
}
