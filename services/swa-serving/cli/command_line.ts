/**
 * Splits a command line into the command and its parsed flags (`node:util` parseArgs, strict):
 * global options may come before or after the command's name. Unknown commands, unknown flags
 * and a wrong number of arguments are `UsageError`s.
 */
import { parseArgs } from "node:util";
import type { Command, CommandInput } from "./command.ts";
import { GLOBAL_OPTIONS } from "./global_options.ts";
import { UsageError } from "./usage_error.ts";

export type CommandLine =
  | { help: true }
  | { help: false; name: string; command: Command; input: CommandInput };

export function parseCommandLine(args: string[], commands: Record<string, Command>): CommandLine {
  const { tokens } = parseArgs({
    args,
    options: GLOBAL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((token) => token.kind === "positional");
  if (!first) {
    if (tokens.some((token) => token.kind === "option" && token.name === "help")) {
      return { help: true };
    }
    throw new UsageError("no command given");
  }
  const name = first.value;
  if (name === "help") return { help: true };
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) throw new UsageError(`unknown command '${name}'`);

  const rest = args.toSpliced(first.index, 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`);
  }
  if (parsed.values.help) return { help: true };
  const { min, max = min } = command.positionals;
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    throw new UsageError(`usage: ${name} ${command.usage}`);
  }
  return {
    help: false,
    name,
    command,
    input: { values: parsed.values as CommandInput["values"], positionals: parsed.positionals },
  };
}
