// A table as CSV (RFC 4180): every field quoted where it must be, lines ended by CRLF, and
// a field a spreadsheet would run as a formula (=, +, -, @ first) kept as text.

export interface Column<T> {
  title: string;
  cell: (row: T) => string | number | null | undefined;
}

function field(cell: string | number | null | undefined): string {
  let text = cell === null || cell === undefined ? "" : String(cell);
  if (/^[=+@]/.test(text) || (/^-/.test(text) && !/^-\d+(\.\d+)?$/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const lines = [columns.map((c) => field(c.title)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => field(c.cell(row))).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Offers `csv` to the browser as a download named `name`. */
export function download(name: string, csv: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}
