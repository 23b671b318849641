/** `predict` (prints the answer as JSON) and `evaluate` (prints a metrics table). */
import type { CliIo } from "./cli_io.ts";
import type { Command } from "./command.ts";
import { booleanFlag, stringFlag } from "./flag_values.ts";
import { metricsTable } from "./metrics_table.ts";
import { evaluateRequest, PREDICT_MODES, predictRequest } from "./prediction_requests.ts";
import { parseRowsDocument } from "./rows_json.ts";
import { UsageError } from "./usage_error.ts";

export const predictCommand: Command = {
  usage: `<name> --input rows.json|- [--mode ${PREDICT_MODES.join("|")}] [--samples n]`,
  summary: 'predict with the live version; rows.json is [[...], ...] or { "inputs": [...] }',
  options: { input: { type: "string" }, mode: { type: "string" }, samples: { type: "string" } },
  positionals: { min: 1 },
  async run({ values, positionals: [name] }, { io, client }) {
    const source = stringFlag(values, "input");
    if (source === undefined) {
      throw new UsageError("predict needs --input file.json (or - for stdin)");
    }
    const document = parseRowsDocument(
      await readInput(source, io),
      source === "-" ? "stdin" : source,
    );
    const answer = await client.predict(name, predictRequest(document, values));
    io.stdout.write(JSON.stringify(answer, null, 2) + "\n");
  },
};

export const evaluateCommand: Command = {
  usage: "<name> <version> --data data.json [--modes swa,swag] [--samples n] [--bins 15] [--json]",
  summary: 'metrics per mode on labelled rows: data.json is { "inputs": [...], "labels": [...] }',
  options: {
    data: { type: "string" },
    modes: { type: "string" },
    samples: { type: "string" },
    bins: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: { min: 2 },
  async run({ values, positionals: [name, versionText] }, { io, client }) {
    const version = Number(versionText);
    if (!Number.isInteger(version) || version < 1) {
      throw new UsageError(`<version> must be a version number, not '${versionText}'`);
    }
    const source = stringFlag(values, "data");
    if (source === undefined) {
      throw new UsageError("evaluate needs --data file.json (or - for stdin)");
    }
    const label = source === "-" ? "stdin" : source;
    const document = parseRowsDocument(await readInput(source, io), label);
    const answer = await client.evaluate(name, version, evaluateRequest(document, values, label));
    io.stdout.write(
      booleanFlag(values, "json") ? JSON.stringify(answer, null, 2) + "\n" : metricsTable(answer),
    );
  },
};

function readInput(source: string, io: CliIo): Promise<string> {
  if (source !== "-") return Deno.readTextFile(source);
  return io.readStdin?.() ?? Promise.reject(new Error("no standard input to read"));
}
