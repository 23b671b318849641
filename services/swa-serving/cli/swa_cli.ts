/**
 * The SWA serving CLI: `deno task swa <command>`. Register a model, upload a run's checkpoints,
 * finalise a version with a progress bar, predict and evaluate, manage versions. `runCli` is the
 * whole program as a function (arguments in, exit code out) so it can run in-process.
 *
 * @example
 * ```sh
 * deno task swa create digits --task classification --input-shape 64 --labels 0,1,2,3,4,5,6,7,8,9
 * deno task swa upload digits run-1 ./checkpoints/
 * deno task swa finalize digits --calibration train.f32 --samples 16
 * deno task swa predict digits --input rows.json --mode multiswag
 * ```
 * @module
 */
import { createSwaClient, SwaApiError, SwaJobError } from "../client/swa_client.ts";
import { type CliIo, processIo } from "./cli_io.ts";
import type { Command } from "./command.ts";
import { parseCommandLine } from "./command_line.ts";
import { finalizeCommand } from "./finalize_command.ts";
import { resolveConnection } from "./global_options.ts";
import {
  createCommand,
  deleteVersionCommand,
  jobCommand,
  modelsCommand,
  rollbackCommand,
  versionsCommand,
} from "./model_commands.ts";
import { evaluateCommand, predictCommand } from "./prediction_commands.ts";
import { uploadCommand } from "./upload_command.ts";
import { usageText } from "./usage.ts";
import { UsageError } from "./usage_error.ts";

export type { CliIo, CliOutput } from "./cli_io.ts";

export const COMMANDS: Record<string, Command> = {
  create: createCommand,
  upload: uploadCommand,
  finalize: finalizeCommand,
  predict: predictCommand,
  evaluate: evaluateCommand,
  models: modelsCommand,
  versions: versionsCommand,
  job: jobCommand,
  rollback: rollbackCommand,
  "delete-version": deleteVersionCommand,
};

/** Runs one command line; resolves with the exit code (0 done, 1 refused, 2 bad usage). */
export async function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const line = parseCommandLine(args, COMMANDS);
    if (line.help) {
      io.stdout.write(usageText(COMMANDS));
      return 0;
    }
    const client = createSwaClient(resolveConnection(line.input.values));
    return (await line.command.run(line.input, { io, client })) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${usageText(COMMANDS)}`);
      return 2;
    }
    if (error instanceof SwaApiError || error instanceof SwaJobError) {
      io.stderr.write(`error: ${error.code}: ${error.detail}\n`);
      return 1;
    }
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await runCli(Deno.args));
