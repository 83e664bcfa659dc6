// A target of `pnpm bench`: a verdict on figures of the run, read from rows by their `id` (never by
// their label, which is for people and may change).

export interface Target {
  target: string;
  value: number | undefined;
  met: boolean;
  id: string;
}

/** The row of `rows` with this `id`. */
export const rowById = <Row extends { id: string }>(rows: Row[], id: string): Row | undefined =>
  rows.find((row) => row.id === id);
