/** The usage text, written from the commands' own usage lines. */
import type { Command } from "./command.ts";
import { GLOBAL_USAGE } from "./global_options.ts";

export function usageText(commands: Record<string, Command>): string {
  const lines = Object.entries(commands).flatMap(([name, command]) => [
    ...wrap(`${name} ${command.usage}`.trimEnd(), "  ", "      "),
    `        ${command.summary}`,
  ]);
  return [
    "usage: deno task swa <command> [arguments] [--url URL] [--token TOKEN]",
    "",
    "commands:",
    ...lines,
    "  help",
    "        this text",
    "",
    "options:",
    GLOBAL_USAGE,
    "",
    "exit status: 0 done, 1 the service or a file refused, 2 bad command line",
    "",
  ].join("\n");
}

/** Breaks `text` at spaces into lines of at most `width` characters (longer words stay whole). */
function wrap(text: string, first: string, next: string, width = 96): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(" ")) {
    const indent = lines.length === 0 ? first : next;
    if (line.length > indent.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = next + word;
    } else {
      line += (line.length > indent.length ? " " : "") + word;
    }
  }
  return [...lines, line];
}
