import { describe, expect, it } from "vitest";
import { compareStores } from "./stores";

const store = (id: string, sales: string, net: string, count: number) => ({
  store_id: id,
  store_name: id,
  sales,
  returns: "0.00",
  net,
  sales_count: count,
  returns_count: 0,
});

describe("comparing stores", () => {
  it("gives each its share of the net and its average sale, the best first", () => {
    const compared = compareStores([store("Uptown", "3.49", "3.49", 1), store("Downtown", "9.48", "9.48", 3)]);
    expect(compared.map((s) => [s.store, s.share, s.average_sale])).toEqual([
      ["Downtown", 73.1, 3.16],
      ["Uptown", 26.9, 3.49],
    ]);
  });

  it("shares nothing of a net that is not above zero, and averages no sale of none", () => {
    const compared = compareStores([store("A", "0.00", "-2.00", 0), store("B", "0.00", "0.00", 0)]);
    expect(compared.map((s) => [s.store, s.share, s.average_sale])).toEqual([
      ["B", 0, 0],
      ["A", 0, 0],
    ]);
  });
});
