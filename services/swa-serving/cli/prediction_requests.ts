/** `predict` and `evaluate`: a rows document plus flags → the contract's requests. */
import {
  type EvaluateRequest,
  PredictMode,
  type PredictRequest,
} from "@edgeml/shared/contracts/swa";
import { choiceFlag, type FlagValues, integerFlag, listFlag } from "./flag_values.ts";
import type { RowsDocument } from "./rows_json.ts";
import { UsageError } from "./usage_error.ts";

export const PREDICT_MODES = PredictMode.options;

/** The document's `mode` / `samples` are used unless `--mode` / `--samples` are given. */
export function predictRequest(
  { inputs, fields }: RowsDocument,
  values: FlagValues,
): PredictRequest {
  const mode = choiceFlag(values, "mode", PREDICT_MODES) ?? fields.mode;
  const samples = integerFlag(values, "samples") ?? fields.samples;
  return {
    inputs,
    ...(mode !== undefined ? { mode: mode as PredictRequest["mode"] } : {}),
    ...(samples !== undefined ? { samples: samples as number } : {}),
  };
}

/** The document must carry `labels` (one per row); `--modes`, `--samples`, `--bins` are added. */
export function evaluateRequest(
  { inputs, fields }: RowsDocument,
  values: FlagValues,
  source: string,
): EvaluateRequest {
  if (!Array.isArray(fields.labels)) {
    throw new Error(`${source}: expected { "inputs": [...], "labels": [...] }`);
  }
  const modes = listFlag(values, "modes");
  const unknown = modes?.find((mode) => !(PREDICT_MODES as readonly string[]).includes(mode));
  if (unknown) {
    throw new UsageError(`--modes takes ${PREDICT_MODES.join(", ")}, not '${unknown}'`);
  }
  const samples = integerFlag(values, "samples");
  const bins = integerFlag(values, "bins");
  return {
    inputs,
    labels: fields.labels as EvaluateRequest["labels"],
    ...(modes ? { modes: modes as PredictMode[] } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(bins !== undefined ? { bins } : {}),
  };
}
