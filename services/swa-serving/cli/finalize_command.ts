/**
 * `finalize <name>`: starts a version's finalisation and, unless `--no-wait`, follows the job
 * with a progress bar. A `.f32` calibration file is uploaded as a calibration set first; a JSON
 * one is sent inline. Prints the job as JSON.
 */
import type { FinalizeRequest, SwaClient } from "../client/swa_client.ts";
import { calibrationSetName, readFloat32Rows } from "./calibration_file.ts";
import type { Command } from "./command.ts";
import { booleanFlag, type FlagValues, stringFlag } from "./flag_values.ts";
import { FINALIZE_OPTIONS, finalizeRequest } from "./finalize_request.ts";
import { waitWithProgressBar } from "./job_progress.ts";
import { parseRowsDocument } from "./rows_json.ts";
import { UsageError } from "./usage_error.ts";

export const finalizeCommand: Command = {
  usage: "<name> [--runs a,b] [--calibration rows.f32 | --calibration-json rows.json] " +
    "[--samples 16] [--scale 0.5] [--seed 0] [--no-covariance] [--batch-size 32] " +
    "[--dropout inference|training] [--no-wait]",
  summary: "build a version (SWA + SWAG samples) and wait for it; prints the job as JSON",
  options: FINALIZE_OPTIONS,
  positionals: { min: 1 },
  async run({ values, positionals: [name] }, { io, client }) {
    const request = {
      ...finalizeRequest(values),
      ...await calibration(client, name, values, io.stderr.write.bind(io.stderr)),
    };
    const job = await client.finalize(name, request);
    io.stderr.write(`job ${job.jobId}: building ${name} version ${job.version}\n`);
    const done = booleanFlag(values, "no-wait")
      ? job
      : await waitWithProgressBar(client, job.jobId, io.stderr);
    io.stdout.write(JSON.stringify(done, null, 2) + "\n");
  },
};

async function calibration(
  client: SwaClient,
  name: string,
  values: FlagValues,
  log: (line: string) => void,
): Promise<Pick<FinalizeRequest, "calibration" | "calibrationSet">> {
  const f32 = stringFlag(values, "calibration");
  const json = stringFlag(values, "calibration-json");
  if (f32 !== undefined && json !== undefined) {
    throw new UsageError("give --calibration or --calibration-json, not both");
  }
  if (json !== undefined) {
    return { calibration: parseRowsDocument(await Deno.readTextFile(json), json).inputs };
  }
  if (f32 === undefined) return {};
  const set = calibrationSetName(f32);
  const stored = await client.putCalibrationSet(
    name,
    set,
    readFloat32Rows(await Deno.readFile(f32), f32),
  );
  log(`calibration set ${stored.set}: ${stored.rows} rows\n`);
  return { calibrationSet: stored.set };
}
