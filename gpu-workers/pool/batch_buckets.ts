/**
 * Batch-size buckets for CUDA: a batch is padded with zero rows up to the next bucket, and the
 * padding is cut from the outputs before they go back.
 *
 * Why: ONNX Runtime's CUDA provider picks cuDNN convolution algorithms by timing them
 * (`cudnn_conv_algo_search` EXHAUSTIVE, which onnxruntime-node cannot change) once per new
 * input shape. Dynamic batching makes up to `max_batch_size` shapes, and each first run of one
 * paid that search: on an H200 a small conv net served at 64 connections fell from 77k rows/s
 * (raw, one shape) to 0.8k requests/s through the pool. Buckets bound the shapes to a handful
 * (the config's `preferred_batch_size` list, else powers of two up to `max_batch_size`), so the
 * searches happen once each and the padded rows cost the GPU little.
 */
import type { Tensor } from "@edgeml/shared/contracts";
import { datatypeInfo } from "@edgeml/shared/contracts/wire";

/** Sorted bucket sizes for a model: the preferred sizes if set, else powers of two; the max last. */
export function batchBuckets(
  maxBatchSize: number,
  preferredBatchSizes: readonly number[],
): number[] {
  if (maxBatchSize <= 0) return [];
  const sizes = new Set<number>(preferredBatchSizes.filter((s) => s > 0 && s <= maxBatchSize));
  if (sizes.size === 0) { for (let s = 1; s < maxBatchSize; s *= 2) sizes.add(s); }
  sizes.add(maxBatchSize);
  return [...sizes].sort((a, b) => a - b);
}

/** The smallest bucket holding `rows`; `rows` itself when none does (or there are none). */
export function bucketFor(rows: number, buckets: readonly number[]): number {
  for (const size of buckets) if (size >= rows) return size;
  return rows;
}

/**
 * Appends zero rows so each input has `target` rows. Inputs whose element size is not fixed
 * (BYTES) cannot be padded: they are returned unchanged, and so is a batch already that large.
 */
export function padRows(inputs: Tensor[], target: number): Tensor[] {
  const rows = inputs[0]?.shape[0] ?? 0;
  if (target <= rows || inputs.some((t) => !datatypeInfo(t.datatype))) return inputs;
  return inputs.map((t) => {
    const rowBytes = rows === 0 ? 0 : t.bytes.byteLength / rows;
    const bytes = new Uint8Array(rowBytes * target);
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
