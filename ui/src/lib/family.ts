// The family form's grid: every combination of the options' values as typed (values by
// commas), in order. What a family may be is core's to check; this only lays it out.

/** An option as typed: its name, and its values separated by commas. */
export type TypedOption = { name: string; values: string };

/** The options with a name and at least one value, their values trimmed. */
export function optionsOf(typed: TypedOption[]): { name: string; values: string[] }[] {
  return typed
    .map((o) => ({ name: o.name.trim(), values: o.values.split(",").map((v) => v.trim()).filter((v) => v !== "") }))
    .filter((o) => o.name !== "" && o.values.length > 0);
}

/** Every combination of the options' values, in order: S-Navy, S-White, M-Navy, … */
export function combinations(options: { values: string[] }[]): string[][] {
  if (options.length === 0) return [];
  return options.reduce<string[][]>(
    (grid, option) => grid.flatMap((row) => option.values.map((value) => [...row, value])),
    [[]],
  );
}
