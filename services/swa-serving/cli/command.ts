/** What each CLI command declares: its usage line, its flags, its arguments and its action. */
import type { ParseArgsOptionsConfig } from "node:util";
import type { SwaClient } from "../client/swa_client.ts";
import type { CliIo } from "./cli_io.ts";
import type { FlagValues } from "./flag_values.ts";

export interface CommandInput {
  values: FlagValues;
  positionals: string[];
}

export interface CommandContext {
  io: CliIo;
  client: SwaClient;
}

export interface Command {
  /** The arguments after the command's name, e.g. `<name> --input file.json|-`. */
  usage: string;
  summary: string;
  options: ParseArgsOptionsConfig;
  /** How many positional arguments it takes: at least `min`, at most `max` (default `min`). */
  positionals: { min: number; max?: number };
  /** Resolves with the exit code (0 when it resolves with nothing). */
  run(input: CommandInput, context: CommandContext): Promise<number | void>;
}
