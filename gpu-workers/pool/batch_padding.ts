/**
 * Batch padding for CUDA: a batch is padded with zero rows to `max_batch_size` before it runs,
 * and the padding is cut from the outputs before they go back, so a CUDA session sees one input
 * shape whatever the dynamic batcher makes. By default (`auto`) only models with convolutions
 * are padded.
 *
 * Why: ONNX Runtime's CUDA provider re-plans a convolution (cuDNN algorithm search, which
 * onnxruntime-node cannot switch from EXHAUSTIVE) whenever a run's input shape differs from the
 * run before, even for a shape it has seen. Measured on an H200 with a small conv net: runs
 * alternating between two batch sizes took 29–42 ms each, the same sizes repeated 2–3 ms; served
 * at 64 connections with dynamic batching, 0.8k requests/s unpadded and 4.6k padded. Padding has
 * a price: the padded rows are computed and copied to the GPU, so lone requests slow down (that
 * net at concurrency 1: p50 1.1 → 2.2 ms), and a model without convolutions (cuBLAS matrix
 * products re-plan nothing) only loses: the 4096-wide MLP fell from 11k to 6k requests/s. Hence
 * `auto`; parameter `cuda_batch_padding` "true" or "false" decides for one model.
 */
import type { Tensor } from "@edgeml/shared/contracts";
import { datatypeInfo } from "@edgeml/shared/contracts/wire";
import type { CudaBatchPadding } from "../repository/resolved_config.ts";

/**
 * Rows a version's batches are padded to: `max_batch_size` on CUDA when padding is "true", or
 * "auto" and the model has convolutions (asked only then: it reads the model); else 0 (none).
 */
export function paddedBatchRows(
  provider: string,
  maxBatchSize: number,
  padding: CudaBatchPadding,
  modelHasConvolution: () => boolean,
): number {
  if (provider !== "cuda" || maxBatchSize <= 0 || padding === "false") return 0;
  return padding === "true" || modelHasConvolution() ? maxBatchSize : 0;
}

/**
 * Appends zero rows so each input has `target` rows. Inputs whose element size is not fixed
 * (BYTES) cannot be padded: they are returned unchanged, and so is a batch already that large.
 */
export function padRows(inputs: Tensor[], target: number): Tensor[] {
  const rows = inputs[0]?.shape[0] ?? 0;
  if (target <= rows || rows === 0 || inputs.some((t) => !datatypeInfo(t.datatype))) return inputs;
  return inputs.map((t) => {
    const bytes = new Uint8Array((t.bytes.byteLength / rows) * target);
    bytes.set(t.bytes);
    return { ...t, shape: [target, ...t.shape.slice(1)], bytes };
  });
}

/** Keeps the first `rows` rows of each output (the padding's rows are dropped). */
export function trimRows(outputs: readonly Tensor[], rows: number): Tensor[] {
  return outputs.map((t) => {
    const total = t.shape[0];
    if (total === rows) return t;
    const rowBytes = t.bytes.byteLength / total;
    return {
      ...t,
      shape: [rows, ...t.shape.slice(1)],
      bytes: t.bytes.subarray(0, rowBytes * rows),
    };
  });
}
