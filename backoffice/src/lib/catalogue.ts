// The catalogue as a CSV file and back: the columns an export writes are the ones an
// import reads (by title, in any order and case; Stock is shown, never imported: stock
// moves by stock movements).
import type { Schemas } from "./api";
import { parseCsv, toCsv, type Column } from "./csv";

type Row = Schemas["ImportRow"];
type Field = keyof Row;

/** A column's title in the file, and the import's field it is. */
const COLUMNS: Array<[string, Field | null]> = [
  ["SKU", "sku"],
  ["Name", "product_name"],
  ["Price", "price"],
  ["Barcode", "barcode"],
  ["Category", "category"],
  ["Tax rate", "tax_rate"],
  ["Unit", "unit"],
  ["Threshold", "stock_threshold"],
  ["Supplier", "supplier"],
  ["Stock", null],
];

/** The business's products as the catalogue's CSV file. */
export function catalogueCsv(products: Schemas["Product"][], suppliers: Schemas["Supplier"][]): string {
  const supplierName = new Map(suppliers.map((s) => [s.id, s.supplier_name]));
  const cells: Record<string, (p: Schemas["Product"]) => string> = {
    SKU: (p) => p.sku,
    Name: (p) => p.product_name,
    Price: (p) => p.price,
    Barcode: (p) => p.barcode ?? "",
    Category: (p) => p.category,
    "Tax rate": (p) => p.tax_rate ?? "",
    Unit: (p) => p.unit,
    Threshold: (p) => p.stock_threshold,
    Supplier: (p) => (p.supplier_id ? (supplierName.get(p.supplier_id) ?? "") : ""),
    Stock: (p) => p.stock,
  };
  const columns: Column<Schemas["Product"]>[] = COLUMNS.map(([title]) => ({ title, cell: cells[title] }));
  return toCsv(products, columns);
}

/** The rows of a catalogue file, or why it cannot be read. */
export function importRows(text: string): { rows: Row[] } | { error: string } {
  const [header, ...lines] = parseCsv(text);
  if (!header) return { error: "The file is empty." };
  const known = new Map(COLUMNS.map(([title, field]) => [title.toLowerCase(), field]));
  const fields = header.map((title) => {
    const name = title.trim().toLowerCase();
    return known.has(name) ? known.get(name)! : (COLUMNS.find(([, f]) => f === name)?.[1] ?? undefined);
  });
  const unknown = header.filter((_, i) => fields[i] === undefined);
  if (unknown.length > 0) {
    return { error: `The file has columns the catalogue does not: ${unknown.join(", ")}.` };
  }
  if (!fields.includes("sku")) return { error: "The file needs a SKU column." };
  if (lines.length === 0) return { error: "The file has no products under its titles." };
  const rows = lines.map((cells) => {
    const row: Row = { sku: "" };
    fields.forEach((field, i) => {
      const cell = (cells[i] ?? "").trim();
      if (field && cell !== "") row[field] = cell;
    });
    return row;
  });
  return { rows };
}
