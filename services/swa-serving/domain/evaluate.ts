/**
 * A labelled set through each mode of one version, side by side: accuracy, NLL, ECE and Brier
 * for classification (`@edgeml/shared/eval`), RMSE and Gaussian NLL for regression.
 */
import type {
  EvaluateRequest,
  EvaluateResponse,
  ModeMetrics,
  PredictMode,
} from "@edgeml/shared/contracts/swa";
import { invalid } from "@edgeml/shared/errors";
import { classificationMetrics, regressionMetrics } from "@edgeml/shared/eval";
import type { z } from "zod";
import { getModel, getVersion, type ModelRecord } from "./catalog.ts";
import { type PredictDeps, rowsTensor, runMode } from "./predict.ts";

const ALL_MODES: PredictMode[] = ["checkpoint", "swa", "swag", "multiswag"];

function classIndices(model: ModelRecord, labels: z.output<typeof EvaluateRequest>["labels"]) {
  const classes = model.labels!.length;
  return Int32Array.from(labels, (label, r) => {
    const index = typeof label === "string" ? model.labels!.indexOf(label) : label;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= classes) {
      throw invalid(
        "invalid_label",
        `label of row ${r} (${JSON.stringify(label)}) is not one of the model's ${classes} classes`,
        { extra: { row: r } },
      );
    }
    return index;
  });
}

function targetValues(labels: z.output<typeof EvaluateRequest>["labels"], width: number) {
  const out = new Float64Array(labels.length * width);
  labels.forEach((label, r) => {
    const row = typeof label === "number" ? [label] : label;
    if (!Array.isArray(row) || row.length !== width) {
      throw invalid(
        "invalid_target",
        `target of row ${r} must be ${width} number(s), got ${JSON.stringify(label)}`,
        { extra: { row: r } },
      );
    }
    out.set(row, r * width);
  });
  return out;
}

export async function evaluate(
  { kv, workers }: PredictDeps,
  name: string,
  versionNumber: number,
  request: z.output<typeof EvaluateRequest>,
): Promise<EvaluateResponse> {
  const model = await getModel(kv, name);
  const version = await getVersion(kv, name, versionNumber);
  const rows = request.inputs.length;
  if (request.labels.length !== rows) {
    throw invalid(
      "labels_length",
      `${rows} input rows but ${request.labels.length} labels; give one per row`,
    );
  }
  const data = rowsTensor(request.inputs, model.input.shape);
  const modes = request.modes ??
    ALL_MODES.filter((m) => m !== "multiswag" || version.served.swag.length > 1);
  const classes = model.task === "classification" ? classIndices(model, request.labels) : null;
  const targets = classes ? null : targetValues(
    request.labels,
    model.regressionVariance === "none" ? version.outputWidth : version.outputWidth / 2,
  );
  const results: ModeMetrics[] = [];
  for (const mode of modes) {
    const { summary, samples } = await runMode(
      workers,
      model,
      version,
      mode,
      data,
      rows,
      request.samples,
    );
    if (summary.task === "classification") {
      const m = classificationMetrics(
        summary.summary.probabilities,
        classes!,
        version.outputWidth,
        request.bins,
      );
      results.push({ mode, samples, accuracy: m.accuracy, nll: m.nll, ece: m.ece, brier: m.brier });
    } else {
      const m = regressionMetrics(summary.summary.mean, summary.summary.variance, targets!);
      results.push({ mode, samples, rmse: m.rmse, nll: m.nll });
    }
  }
  return { model: name, version: version.version, rows, results };
}
