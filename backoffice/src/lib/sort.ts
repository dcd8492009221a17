// Sorting a table by one of its columns: numbers and decimal amounts ("12.50") by value,
// text by the reader's alphabet, blanks last either way.

export type Direction = "ascending" | "descending";

export interface SortBy<K extends string> {
  key: K;
  direction: Direction;
}

function value(cell: unknown): number | string | null {
  if (cell === null || cell === undefined || cell === "") return null;
  if (typeof cell === "number") return cell;
  const text = String(cell);
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** `rows` sorted by `by` (a new array). */
export function sortRows<K extends string, T extends Record<K, unknown>>(rows: readonly T[], by: SortBy<K>): T[] {
  const sign = by.direction === "ascending" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a[by.key]), value(b[by.key])];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === "number" && typeof y === "number") return sign * (x - y);
    return sign * String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: "base" });
  });
}

/** Sorting by `key`: by it descending first (the largest figures on top), then the other way. */
export function toggle<K extends string>(current: SortBy<K>, key: K): SortBy<K> {
  if (current.key !== key) return { key, direction: "descending" };
  return { key, direction: current.direction === "descending" ? "ascending" : "descending" };
}
