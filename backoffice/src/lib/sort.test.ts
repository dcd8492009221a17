import { describe, expect, it } from "vitest";
import { sortRows, toggle } from "./sort";

const stores = [
  { name: "Uptown", net: "9.50", count: 3 },
  { name: "downtown", net: "120.00", count: 12 },
  { name: "Airport", net: "", count: 0 },
  { name: "Harbour", net: "-4.00", count: 1 },
];

describe("sorting a table", () => {
  it("sorts amounts by value, not as text, with blanks last", () => {
    const names = sortRows(stores, { key: "net", direction: "descending" }).map((s) => s.name);
    expect(names).toEqual(["downtown", "Uptown", "Harbour", "Airport"]);
    const up = sortRows(stores, { key: "net", direction: "ascending" }).map((s) => s.name);
    expect(up).toEqual(["Harbour", "Uptown", "downtown", "Airport"]);
  });

  it("sorts names ignoring case", () => {
    const names = sortRows(stores, { key: "name", direction: "ascending" }).map((s) => s.name);
    expect(names).toEqual(["Airport", "downtown", "Harbour", "Uptown"]);
  });

  it("leaves the rows it was given as they were", () => {
    const before = stores.map((s) => s.name);
    sortRows(stores, { key: "count", direction: "ascending" });
    expect(stores.map((s) => s.name)).toEqual(before);
  });

  it("sorts a new column largest first, then flips", () => {
    const first = toggle({ key: "name" as "name" | "net", direction: "ascending" }, "net");
    expect(first).toEqual({ key: "net", direction: "descending" });
    expect(toggle(first, "net")).toEqual({ key: "net", direction: "ascending" });
  });
});
