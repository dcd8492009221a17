import { describe, expect, it } from "vitest";
import { catalogueCsv, importRows } from "./catalogue";
import { parseCsv } from "./csv";
import type { Schemas } from "./api";

const product = (over: Partial<Schemas["Product"]>): Schemas["Product"] =>
  ({
    id: "p1",
    business_id: "b",
    sku: "MILK",
    product_name: "Milk, 1 l",
    price: "3.49",
    barcode: null,
    category: "Dairy",
    tax_rate: null,
    unit: "piece",
    stock: "12",
    stock_threshold: "4",
    supplier_id: "s1",
    ...over,
  }) as Schemas["Product"];

describe("CSV read back", () => {
  it("reads quoted commas, quotes and line breaks, CRLF or LF, and skips blank lines", () => {
    expect(parseCsv('a,"b, ""c""",d\r\n\r\n"line\nbreak",,x\n')).toEqual([
      ["a", 'b, "c"', "d"],
      ["line\nbreak", "", "x"],
    ]);
  });

  it("reads a cell kept as text back as it was", () => {
    expect(parseCsv("\"'=HYPERLINK(\"\"x\"\")\",'-1+1\r\n")).toEqual([['=HYPERLINK("x")', "-1+1"]]);
  });
});

describe("the catalogue's file", () => {
  it("is read back into the rows it was written from, the supplier by name and stock left out", () => {
    const csv = catalogueCsv(
      [product({}), product({ id: "p2", sku: "=EVIL", product_name: "Cheese", barcode: "0123", supplier_id: null })],
      [{ id: "s1", supplier_name: "Valley Dairy" } as Schemas["Supplier"]],
    );
    expect(importRows(csv)).toEqual({
      rows: [
        { sku: "MILK", product_name: "Milk, 1 l", price: "3.49", category: "Dairy", unit: "piece", stock_threshold: "4", supplier: "Valley Dairy" },
        { sku: "=EVIL", product_name: "Cheese", price: "3.49", barcode: "0123", category: "Dairy", unit: "piece", stock_threshold: "4" },
      ],
    });
  });

  it("takes its columns in any order and case, by title or field name", () => {
    expect(importRows("price,SKU,product_name\n2.50,BREAD,Bread\n")).toEqual({
      rows: [{ sku: "BREAD", price: "2.50", product_name: "Bread" }],
    });
  });

  it("says why a file cannot be read", () => {
    expect(importRows("")).toEqual({ error: "The file is empty." });
    expect(importRows("Name,Price\nBread,2.50\n")).toEqual({ error: "The file needs a SKU column." });
    expect(importRows("SKU,Colour\nX,red\n")).toEqual({ error: "The file has columns the catalogue does not: Colour." });
    expect(importRows("SKU\n")).toEqual({ error: "The file has no products under its titles." });
  });
});
