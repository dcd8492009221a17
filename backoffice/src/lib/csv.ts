// A table as CSV (RFC 4180): every field quoted where it must be, lines ended by CRLF, and
// a field a spreadsheet would run as a formula (=, +, -, @ first) kept as text; and CSV
// read back into rows of cells.

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

/**
 * The rows of cells of `text` (RFC 4180: quoted fields may hold commas, quotes and line
 * breaks; CRLF or LF ends a line), without blank lines. A cell this page kept as text
 * (`'=…`) is read back as it was.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(/^'[=+@-]/.test(cell) ? cell.slice(1) : cell);
    cell = "";
  };
  const body = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") {
      quoted = true;
    } else if (c === ",") {
      endCell();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      endCell();
      if (row.some((value) => value !== "")) rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    endCell();
    if (row.some((value) => value !== "")) rows.push(row);
  }
  return rows;
}
