/** A column of a plain-text table. */
export interface TextColumn {
  readonly header: string;
  /** Numbers read best right-aligned. @default "left" */
  readonly align?: "left" | "right";
}

/** A table for a terminal: padded columns two spaces apart, a rule under the headers, no trailing spaces. */
export function textTable(columns: readonly TextColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        return column.align === "right" ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!);
      })
      .join("  ")
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
  ]
    .map((text) => `${text}\n`)
    .join("");
}
