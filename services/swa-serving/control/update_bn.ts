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
 */
import * as ort from "onnxruntime-node";
import { invalid, unprocessable } from "@edgeml/shared/errors";
import { encodeModel, type onnx } from "@edgeml/shared/onnx";
import { withTensors } from "@edgeml/shared/swa";
import { buildBatchStatsGraph } from "./batch_stats_graph.ts";

export interface UpdateBnOptions {
  /** Rows per forward pass (PyTorch DataLoader batch size). */
  batchSize?: number;
}

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
 * returns a copy of the model carrying them. Shape mistakes are `invalid` / `unprocessable`
 * DomainErrors; the input model is not modified.
 *
 * @example
 * ```ts
 * const swa = await updateBn(averageToModel(average), calibrationRows, [64], { batchSize: 32 });
 * ```
 */
export async function updateBn(
  model: onnx.IModelProto,
  data: Float32Array,
  rowShape: readonly number[],
  { batchSize = 32 }: UpdateBnOptions = {},
): Promise<onnx.ModelProto> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw invalid("invalid_batch_size", `batchSize must be an integer >= 1, got ${batchSize}`);
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
  const { model: statsModel, sites } = buildBatchStatsGraph(model);
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
