/**
 * Writes one benchmark's section of docs/benchmarks.md: replaces what lies between its
 * `<!-- bench:KEY -->` markers, or appends a new section; the rest of the file is left alone.
 */
export async function writeReportSection(
  path: string,
  key: string,
  heading: string,
  body: string,
): Promise<void> {
  const start = `<!-- bench:${key} -->`;
  const end = `<!-- /bench:${key} -->`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    text =
      "# Benchmarks\n\nEach section is written by the command it names; edit the prose around the markers only.\n";
  }
  const block = `${start}\n${body}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from
    ? text.slice(0, from) + block + text.slice(to + end.length)
    : `${text.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  await Deno.writeTextFile(path, text);
}
