/** A plain-text table: a header row and aligned columns separated by two spaces. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length))
  );
  const line = (row: string[]) =>
    row.map((cell, i) => (cell ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [header, ...rows].map(line).join("\n") + "\n";
}
