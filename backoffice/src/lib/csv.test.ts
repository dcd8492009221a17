import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("a table as CSV", () => {
  const columns = [
    { title: "Store", cell: (r: { name: string; net: string }) => r.name },
    { title: "Net", cell: (r: { name: string; net: string }) => r.net },
  ];

  it("quotes what must be quoted and ends lines with CRLF", () => {
    const csv = toCsv([{ name: 'Joe\'s "Corner", Main St', net: "12.50" }], columns);
    expect(csv).toBe('Store,Net\r\n"Joe\'s ""Corner"", Main St",12.50\r\n');
  });

  it("keeps a formula a spreadsheet would run as text, and negative amounts as numbers", () => {
    const csv = toCsv(
      [
        { name: "=HYPERLINK(\"x\")", net: "-4.00" },
        { name: "-1+1", net: "0.00" },
      ],
      columns,
    );
    expect(csv.split("\r\n").slice(1, 3)).toEqual(["\"'=HYPERLINK(\"\"x\"\")\",-4.00", "'-1+1,0.00"]);
  });
});
