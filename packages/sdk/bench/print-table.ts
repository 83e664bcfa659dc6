// The tables a run prints: for people, so without the `id` each row carries for the verdicts.

/** Prints `caption` and `rows` as a table, leaving out their `id`. */
export function printTable(caption: string, rows: object[]): void {
  console.log(`\n${caption}`);
  console.table(rows.map(({ id: _id, ...figures }: { id?: unknown }) => figures));
}
