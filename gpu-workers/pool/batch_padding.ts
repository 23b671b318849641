/**
 * When CUDA batches are padded: a batch is padded with zero rows to `max_batch_size` before it
 * runs (`concatRows`), and the padding is cut from the outputs before they go back (`trimRows`),
 * so a CUDA session sees one input shape whatever the dynamic batcher makes. By default (`auto`)
 * only models with convolutions are padded.
 *
 * Why: ONNX Runtime's CUDA provider re-plans a convolution (cuDNN algorithm search, which
 * onnxruntime-node cannot switch from EXHAUSTIVE) whenever a run's input shape differs from the
 * run before, even for a shape it has seen. Measured on an H200 with a small conv net: runs
 * alternating between two batch sizes took 29–42 ms each, the same sizes repeated 2–3 ms; served
 * at 64 connections with dynamic batching, 0.8k requests/s unpadded and 4.6k padded. Padding has
 * a price: the padded rows are computed and copied to the GPU, so lone requests slow down (that
 * net at concurrency 1: p50 1.1 → 2.2 ms), and a model without convolutions (cuBLAS matrix
 * products re-plan nothing) only loses: the 4096-wide MLP fell from 10.7k to 6.2k requests/s.
 * Hence `auto`; parameter `cuda_batch_padding` "true" or "false" decides for one model.
 */
import type { CudaBatchPadding } from "../repository/resolved_config.ts";

/**
 * Rows a version's batches are padded to: `max_batch_size` on CUDA when padding is "true", or
 * "auto" and the model has convolutions (asked only then: it reads the model); else 0 (none).
 */
export async function paddedBatchRows(
  provider: string,
  maxBatchSize: number,
  padding: CudaBatchPadding,
  modelHasConvolution: () => Promise<boolean>,
): Promise<number> {
  if (provider !== "cuda" || maxBatchSize <= 0 || padding === "false") return 0;
  return padding === "true" || await modelHasConvolution() ? maxBatchSize : 0;
}
