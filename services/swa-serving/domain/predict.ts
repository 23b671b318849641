/**
 * Predictions of a model's live version in one of four modes. Each mode is one or more worker
 * models called at once: `swa` and `checkpoint` one model each, `swag` the first run's stacked
 * graph (all S weight sets in one execution), `multiswag` every run's stacked graph
 * concurrently. A posterior prediction therefore costs one round trip per run, never S.
 */
import type {
  ClassificationPrediction,
  PredictMode,
  PredictRequest,
  PredictResponse,
  RegressionPrediction,
} from "@edgeml/shared/contracts/swa";
import {
  conflict,
  type DomainError,
  failed,
  invalid,
  unavailable,
  unprocessable,
} from "@edgeml/shared/errors";
import type { TenantKvStore } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { OipError } from "@edgeml/gpu-workers/client";
import type { z } from "zod";
import {
  getModelCached,
  getVersionCached,
  type ModelRecord,
  type VersionRecord,
} from "./catalog.ts";
import {
  type ClassSummary,
  type RegressionSummary,
  summarizeClassification,
  summarizeRegression,
} from "./posterior_summary.ts";

/** Rows per worker call: the `max_batch_size` the served models are configured with. */
export const WORKER_BATCH_ROWS = 64;

export interface PredictDeps {
  kv: TenantKvStore;
  workers: OipClient;
}

/** One worker model's output for all rows: [rows, samples, width], row-major. */
interface Block {
  data: Float32Array;
  samples: number;
}

export type ModeSummary =
  | { task: "classification"; summary: ClassSummary }
  | { task: "regression"; summary: RegressionSummary };

/** The rows as one float32 tensor, each checked against the registered row size. */
export function rowsTensor(rows: readonly number[][], shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(rows.length * size);
  rows.forEach((row, r) => {
    if (row.length !== size) {
      throw invalid(
        "input_row_size",
        `input row ${r} has ${row.length} values; rows of [${shape.join(", ")}] have ${size}`,
        { extra: { row: r, expected: size, got: row.length } },
      );
    }
    data.set(row, r * size);
  });
  return data;
}

/** Worker models a mode reads, in order, with the samples each holds. */
function modeModels(
  version: VersionRecord,
  mode: PredictMode,
): { name: string; samples: number }[] {
  switch (mode) {
    case "swa":
      return [{ name: version.served.swa, samples: 1 }];
    case "checkpoint":
      return [{ name: version.served.checkpoint, samples: 1 }];
    case "swag":
      return [{ name: version.served.swag[0], samples: version.samples }];
    case "multiswag":
      return version.served.swag.map((name) => ({ name, samples: version.samples }));
  }
}

/** A worker's refusal in the service's terms: overload stays retryable, the rest is ours. */
export function fromWorker(e: OipError, version: VersionRecord): DomainError {
  if (e.status === 404) {
    return conflict(
      "version_not_loaded",
      `version ${version.version} is not loaded in the worker pool (only the live and the previous live version are); roll back to it first`,
    );
  }
  if (e.status === 503 || e.status === 429) {
    return unavailable("workers_busy", `the worker pool is busy: ${e.problem.detail}`, {
      retryAfterSeconds: Number(e.retryAfter) || 1,
    });
  }
  // Inputs were checked against the registration before the call: a refusal now is a fault
  // between the service and its workers, not the caller's.
  return failed("worker_error", `the worker pool answered ${e.status} ${e.problem.code}`, {
    cause: e,
  });
}

async function callWorker(
  workers: OipClient,
  version: VersionRecord,
  model: string,
  data: Float32Array,
  rows: number,
  rowShape: readonly number[],
  samples: number,
): Promise<Block> {
  const rowSize = data.length / rows;
  const width = version.outputWidth;
  const out = new Float32Array(rows * samples * width);
  const calls: Promise<void>[] = [];
  for (let start = 0; start < rows; start += WORKER_BATCH_ROWS) {
    const count = Math.min(WORKER_BATCH_ROWS, rows - start);
    calls.push(
      workers.inferBinary(model, [{
        name: version.inputName,
        datatype: "FP32",
        shape: [count, ...rowShape],
        data: data.subarray(start * rowSize, (start + count) * rowSize),
      }], { version: String(version.version), outputs: [version.outputName] }).then((result) => {
        const tensor = result.outputs[version.outputName];
        out.set(tensor.data as Float32Array, start * samples * width);
      }),
    );
  }
  try {
    await Promise.all(calls);
  } catch (e) {
    throw e instanceof OipError ? fromWorker(e, version) : e;
  }
  return { data: out, samples };
}

/** Runs `rows` through the worker models of `mode` and summarises the draws. */
export async function runMode(
  workers: OipClient,
  model: ModelRecord,
  version: VersionRecord,
  mode: PredictMode,
  data: Float32Array,
  rows: number,
  samples?: number,
): Promise<{ summary: ModeSummary; samples: number }> {
  if (version.status !== "READY") {
    throw conflict("version_not_ready", `version ${version.version} is ${version.status}`);
  }
  const posterior = mode === "swag" || mode === "multiswag";
  if (posterior && samples !== undefined && samples > version.samples) {
    throw unprocessable(
      "too_many_samples",
      `version ${version.version} holds ${version.samples} samples per run; ${samples} were asked for`,
      { extra: { available: version.samples } },
    );
  }
  const use = posterior ? samples ?? version.samples : 1;
  const blocks = await Promise.all(
    modeModels(version, mode).map((m) =>
      callWorker(workers, version, m.name, data, rows, model.input.shape, m.samples)
    ),
  );
  if (model.task === "classification") {
    // softmax(log p) = p: probabilities are summarised as the log-probabilities they are.
    if (version.outputIsProbability) {
      for (const block of blocks) block.data = block.data.map(Math.log);
    }
    return {
      summary: {
        task: "classification",
        summary: summarizeClassification(blocks, rows, version.outputWidth, use),
      },
      samples: use * blocks.length,
    };
  }
  return {
    summary: {
      task: "regression",
      summary: summarizeRegression(
        blocks,
        rows,
        version.outputWidth,
        model.regressionVariance,
        use,
      ),
    },
    samples: use * blocks.length,
  };
}

const slice = (a: Float64Array, row: number, width: number) =>
  Array.from(a.subarray(row * width, (row + 1) * width));

/** The contract's per-row answers. */
function predictions(
  model: ModelRecord,
  result: ModeSummary,
  rows: number,
  posterior: boolean,
): (ClassificationPrediction | RegressionPrediction)[] {
  const out: (ClassificationPrediction | RegressionPrediction)[] = [];
  if (result.task === "classification") {
    const s = result.summary;
    const classes = s.probabilities.length / rows;
    for (let r = 0; r < rows; r++) {
      const probabilities = slice(s.probabilities, r, classes);
      let best = 0;
      for (let k = 1; k < classes; k++) if (probabilities[k] > probabilities[best]) best = k;
      out.push({
        label: model.labels?.[best] ?? String(best),
        labelIndex: best,
        probabilities,
        ...(posterior
          ? {
            uncertainty: {
              predictiveEntropy: s.predictiveEntropy[r],
              expectedEntropy: s.expectedEntropy[r],
              mutualInformation: s.mutualInformation[r],
              std: slice(s.std, r, classes),
            },
          }
          : {}),
      });
    }
    return out;
  }
  const s = result.summary;
  for (let r = 0; r < rows; r++) {
    out.push({
      mean: slice(s.mean, r, s.targets),
      variance: slice(s.variance, r, s.targets),
      ...(posterior
        ? {
          uncertainty: {
            spread: slice(s.spread, r, s.targets),
            predictedVariance: slice(s.predictedVariance, r, s.targets),
          },
        }
        : {}),
    });
  }
  return out;
}

/** The live version of `model`, or 409 `no_live_version`. */
export async function liveVersion(kv: TenantKvStore, model: ModelRecord): Promise<VersionRecord> {
  if (model.liveVersion === null) {
    throw conflict(
      "no_live_version",
      `model '${model.name}' has no live version yet: upload checkpoints, then finalise one`,
    );
  }
  return await getVersionCached(kv, model.name, model.liveVersion);
}

export async function predict(
  { kv, workers }: PredictDeps,
  name: string,
  request: z.output<typeof PredictRequest>,
): Promise<PredictResponse> {
  const model = await getModelCached(kv, name);
  const data = rowsTensor(request.inputs, model.input.shape);
  const version = await liveVersion(kv, model);
  const rows = request.inputs.length;
  const { summary, samples } = await runMode(
    workers,
    model,
    version,
    request.mode,
    data,
    rows,
    request.samples,
  );
  const posterior = request.mode === "swag" || request.mode === "multiswag";
  return {
    model: name,
    version: version.version,
    mode: request.mode,
    samples,
    predictions: predictions(model, summary, rows, posterior),
  };
}
