// A family of variants as a person writes it, and a variant as a row shows it.
import type { Schemas } from "./api";

/**
 * The options written one a line, `Size: S, M, L`, or why they cannot be read. How many
 * options and values a family may have is the gateway's to say.
 */
export function readOptions(text: string): { options: Schemas["FamilyOption"][] } | { error: string } {
  const options: Schemas["FamilyOption"][] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim() : "";
    const values = colon > 0 ? line.slice(colon + 1).split(",").map((v) => v.trim()).filter(Boolean) : [];
    if (!name || values.length === 0) {
      return { error: `Write each option on a line of its own, its values after a colon: "Size: S, M, L" (not "${line}").` };
    }
    options.push({ name, values });
  }
  if (options.length === 0) return { error: 'Give the options, one a line: "Size: S, M, L".' };
  return { options };
}

/** A variant's family and values, `Crew T-shirt · M / Navy`; a product of no family: "". */
export function variantOf(product: Schemas["Product"]): string {
  if (!product.family_name) return "";
  const values = (product.options ?? []).map((o) => o.value).join(" / ");
  return values ? `${product.family_name} · ${values}` : product.family_name;
}
