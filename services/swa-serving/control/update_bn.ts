/**
 * update_bn for ONNX models, with torch.optim.swa_utils.update_bn's semantics: every
 * BatchNormalization's running statistics are reset and recomputed from calibration data, one
 * forward pass per batch in train-mode BN (see batch_stats_graph.ts), momentum None, so each
 * batch weighs the same:
 *
 *   running_mean = (1/B) Σ_b mean_b,   running_var = (1/B) Σ_b var_b · n_b/(n_b − 1)
 *
 * (unbiased batch variance, n_b = elements per channel in batch b; the last partial batch
 * counts as one batch, like a DataLoader without drop_last). Runs on ONNX Runtime (CPU).
 *
 * Dropout: torch's update_bn puts the whole model in train mode, so Dropout draws random masks
 * while the statistics are collected. Our default (`dropout: "inference"`) runs Dropout as the
 * identity: deterministic, and the activations BN sees are those the served model sees. With
 * `"training"` the Dropout nodes an export kept (serving_graph.ts) draw masks as in torch, which
 * matches torch only in distribution (masks come from ONNX Runtime's generator, not torch's).
 */
import * as ort from "onnxruntime-node";
import { invalid, unprocessable } from "@edgeml/shared/errors";
import { encodeModel, type onnx } from "@edgeml/shared/onnx";
import { withTensors } from "@edgeml/shared/swa";
import { assertFiniteRows } from "../domain/calibration.ts";
import { buildBatchStatsGraph } from "./batch_stats_graph.ts";

export interface UpdateBnOptions {
  /** Rows per forward pass (PyTorch DataLoader batch size). */
  batchSize?: number;
  /**
   * How Dropout nodes run during recalibration: `"inference"` (default: off, deterministic,
   * what the served model sees) or `"training"` (random masks, as torch's update_bn; needs an
   * export that kept its Dropout nodes).
   */
  dropout?: "inference" | "training";
  /** `"training"` only: seeds the Dropout masks (reproducible); unset, ONNX Runtime picks. */
  seed?: number;
}

const DROPOUT_RECIPE = "torch 1.13 leaves eval-mode Dropout out of the ONNX export; to keep " +
  "it, put only the Dropout modules in train mode before exporting: model.eval(); " +
  "[m.train() for m in model.modules() if isinstance(m, torch.nn.Dropout)]; " +
  "torch.onnx.export(model, …, opset_version=17, " +
  "training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)";

/** The model's first input: name and per-row dims (after the batch dimension). */
function inputSignature(model: onnx.IModelProto): { name: string; rowDims: (number | null)[] } {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const input = (model.graph?.input ?? []).find((i) => !initializers.has(i.name));
  if (!input?.name) throw unprocessable("no_model_input", "the model has no data input");
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  const rowDims = dims.slice(1).map((
    d,
  ) => (d.dimValue != null && !d.dimParam ? Number(d.dimValue) : null));
  return { name: input.name, rowDims };
}

/**
 * Recomputes BatchNorm statistics from `data` (rows of `rowShape`, row-major float32) and
 * returns a copy of the model carrying them (its graph unchanged: Dropout nodes an export kept
 * stay as exported; serve `servingGraph(model)`). Shape mistakes, NaN/Infinity in the data
 * (`non_finite_calibration`) and `"training"` on a model without Dropout (`no_dropout_nodes`)
 * are `invalid` / `unprocessable` DomainErrors; the input model is not modified.
 *
 * @example
 * ```ts
 * const swa = await updateBn(averageToModel(average), calibrationRows, [64], { batchSize: 32 });
 * // torch's way, for an export that kept its Dropout nodes (then serve servingGraph(swa)):
 * const noisy = await updateBn(model, calibrationRows, [64], { dropout: "training", seed: 7 });
 * ```
 */
export async function updateBn(
  model: onnx.IModelProto,
  data: Float32Array,
  rowShape: readonly number[],
  { batchSize = 32, dropout = "inference", seed }: UpdateBnOptions = {},
): Promise<onnx.ModelProto> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw invalid("invalid_batch_size", `batchSize must be an integer >= 1, got ${batchSize}`);
  }
  if (dropout !== "inference" && dropout !== "training") {
    throw invalid(
      "invalid_dropout_mode",
      `dropout must be "inference" or "training", got ${dropout}`,
    );
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw invalid("invalid_seed", `seed must be an integer, got ${seed}`);
  }
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  if (
    rowShape.some((d) => !Number.isInteger(d) || d < 1) || data.length === 0 ||
    data.length % rowSize !== 0
  ) {
    throw invalid(
      "calibration_shape",
      `calibration data of ${data.length} values is not a whole number of rows of shape [${rowShape}]`,
    );
  }
  const { name: inputName, rowDims } = inputSignature(model);
  const fits = rowDims.length === rowShape.length &&
    rowDims.every((d, i) => d === null || d === rowShape[i]);
  if (!fits) {
    throw unprocessable(
      "calibration_shape_mismatch",
      `the model's input '${inputName}' takes rows of [${
        rowDims.map((d) => d ?? "?")
      }], calibration rows are [${rowShape}]`,
    );
  }
  assertFiniteRows(data, rowSize, batchSize);
  const training = dropout === "training";
  const { model: statsModel, sites, dropoutNodes } = buildBatchStatsGraph(model, {
    training,
    seed,
  });
  if (training && dropoutNodes === 0) {
    throw unprocessable(
      "no_dropout_nodes",
      `dropout "training" was asked for, but the model has no Dropout node; ${DROPOUT_RECIPE}`,
    );
  }
  if (sites.length === 0) return withTensors(model, new Map());

  const session = await ort.InferenceSession.create(encodeModel(statsModel), {
    executionProviders: ["cpu"],
  });
  const rows = data.length / rowSize;
  const means = sites.map((s) => new Float64Array(s.channels));
  const vars = sites.map((s) => new Float64Array(s.channels));
  const fetches = sites.flatMap((s) => [s.meanOutput, s.varOutput, s.sizeOutput]);
  try {
    let batches = 0;
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start);
      const feed = new ort.Tensor(
        "float32",
        data.subarray(start * rowSize, (start + count) * rowSize),
        [count, ...rowShape],
      );
      const out = await session.run({ [inputName]: feed }, fetches);
      batches++;
      sites.forEach((site, k) => {
        const mean = out[site.meanOutput].data as Float32Array;
        const variance = out[site.varOutput].data as Float32Array;
        const perChannel = Number(out[site.sizeOutput].data[0]) / site.channels;
        if (perChannel < 2) {
          throw unprocessable(
            "calibration_batch_too_small",
            `a calibration batch of ${count} rows gives BatchNorm '${site.meanName}' ${perChannel} value per channel; the unbiased variance needs 2 or more`,
          );
        }
        const unbias = perChannel / (perChannel - 1);
        for (let c = 0; c < site.channels; c++) {
          means[k][c] += (mean[c] - means[k][c]) / batches;
          vars[k][c] += (variance[c] * unbias - vars[k][c]) / batches;
        }
      });
    }
  } finally {
    await session.release();
  }
  const tensors = new Map<string, Float32Array>();
  sites.forEach((site, k) => {
    tensors.set(site.meanName, Float32Array.from(means[k]));
    tensors.set(site.varName, Float32Array.from(vars[k]));
  });
  return withTensors(model, tensors);
}
