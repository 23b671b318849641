/**
 * The commands that manage models and versions: `create`, `models`, `versions`, `job`,
 * `rollback`, `delete-version`.
 */
import type { SwaModel, SwaVersion } from "../client/swa_client.ts";
import type { Command } from "./command.ts";
import { CREATE_OPTIONS, createModelRequest } from "./create_request.ts";
import { booleanFlag, integerFlag, stringFlag } from "./flag_values.ts";
import { waitWithProgressBar } from "./job_progress.ts";
import { formatTable } from "./text_table.ts";
import { UsageError } from "./usage_error.ts";

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

export const createCommand: Command = {
  usage: "<name> --task classification|regression --input-shape 64|1,8,8 " +
    "[--labels a,b,c | --labels-file f] [--input-name x] [--strategy equal|ema] [--decay 0.999] " +
    "[--use-buffers] [--rank 20] [--regression-variance none|variance|log_variance]",
  summary: "register a model; prints it as JSON",
  options: CREATE_OPTIONS,
  positionals: { min: 1 },
  async run({ values, positionals: [name] }, { io, client }) {
    const labelsFile = stringFlag(values, "labels-file");
    const labelsText = labelsFile === undefined ? undefined : await Deno.readTextFile(labelsFile);
    const model = await client.createModel(createModelRequest(name, values, labelsText));
    io.stdout.write(json(model));
  },
};

export const modelsCommand: Command = {
  usage: "[--json]",
  summary: "list the models",
  options: { json: { type: "boolean" } },
  positionals: { min: 0 },
  async run({ values }, { io, client }) {
    const models = await client.listModels();
    io.stdout.write(booleanFlag(values, "json") ? json(models) : modelsTable(models));
  },
};

export const versionsCommand: Command = {
  usage: "<name> [--json]",
  summary: "list a model's versions",
  options: { json: { type: "boolean" } },
  positionals: { min: 1 },
  async run({ values, positionals: [name] }, { io, client }) {
    const versions = await client.listVersions(name);
    io.stdout.write(booleanFlag(values, "json") ? json(versions) : versionsTable(versions));
  },
};

export const jobCommand: Command = {
  usage: "<job-id> [--wait]",
  summary: "a finalisation job as JSON (--wait: once it is done, with a progress bar)",
  options: { wait: { type: "boolean" } },
  positionals: { min: 1 },
  async run({ values, positionals: [jobId] }, { io, client }) {
    const job = booleanFlag(values, "wait")
      ? await waitWithProgressBar(client, jobId, io.stderr)
      : await client.getJob(jobId);
    io.stdout.write(json(job));
  },
};

export const rollbackCommand: Command = {
  usage: "<name> [--version v]",
  summary: "make an earlier version live (default: the one live before)",
  options: { version: { type: "string" } },
  positionals: { min: 1 },
  async run({ values, positionals: [name] }, { io, client }) {
    const model = await client.rollback(name, integerFlag(values, "version"));
    io.stdout.write(`${model.name}: version ${model.liveVersion} is live\n`);
  },
};

export const deleteVersionCommand: Command = {
  usage: "<name> <version>",
  summary: "delete a version that is not live",
  options: {},
  positionals: { min: 2 },
  async run({ positionals: [name, versionText] }, { io, client }) {
    const version = Number(versionText);
    if (!Number.isInteger(version) || version < 1) {
      throw new UsageError(`<version> must be a version number, not '${versionText}'`);
    }
    await client.deleteVersion(name, version);
    io.stdout.write(`${name}: deleted version ${version}\n`);
  },
};

function modelsTable(models: SwaModel[]): string {
  return formatTable(
    ["name", "task", "input", "live", "runs", "checkpoints", "created"],
    models.map((m) => [
      m.name,
      m.task,
      m.input.shape.join("x"),
      m.liveVersion === null ? "-" : String(m.liveVersion),
      String(m.runs.length),
      String(m.runs.reduce((sum, run) => sum + run.checkpoints, 0)),
      m.createdAt,
    ]),
  );
}

function versionsTable(versions: SwaVersion[]): string {
  return formatTable(
    ["version", "status", "live", "runs", "samples", "scale", "created", "job"],
    versions.map((v) => [
      String(v.version),
      v.status,
      v.live ? "yes" : "",
      v.runs.map((r) => `${r.run}:${r.checkpoints}`).join(","),
      String(v.samples),
      String(v.scale),
      v.createdAt,
      v.jobId,
    ]),
  );
}
