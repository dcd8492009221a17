// Ranges of days a dashboard is asked for, as YYYY-MM-DD in the business's calendar: the
// gateway says which day is today there (a dashboard asked for with no range is today's).

export interface Range {
  from: string;
  to: string;
}

function shift(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The ranges a person picks most, given the business's `today`. */
export function presets(today: string): Array<{ label: string; range: Range }> {
  return [
    { label: "Today", range: { from: today, to: today } },
    { label: "Yesterday", range: { from: shift(today, -1), to: shift(today, -1) } },
    { label: "Last 7 days", range: { from: shift(today, -6), to: today } },
    { label: "This month", range: { from: `${today.slice(0, 8)}01`, to: today } },
  ];
}
