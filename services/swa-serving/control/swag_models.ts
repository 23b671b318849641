/**
 * Servable SWAG / MultiSWAG draws: each sampled parameter vector written into the model graph
 * and BatchNorm-recalibrated on calibration data (as the SWAG paper does for every sample,
 * since BN statistics of the mean do not fit a sampled network).
 */
import type { onnx } from "@edgeml/shared/onnx";
import {
  sampleMultiSwag,
  type SampleOptions,
  swagParametersToModel,
  type SwagState,
} from "@edgeml/shared/swa";
import { updateBn, type UpdateBnOptions } from "./update_bn.ts";

/** Options of {@link swagModels}: sampling (`scale`, `cov`, `seed`) plus calibration data. */
export interface SwagModelOptions extends SampleOptions {
  samplesPerPosterior: number;
  /** Calibration rows (row-major float32) and the shape of one row. */
  calibration: Float32Array;
  rowShape: readonly number[];
  batchSize?: number;
  /** How Dropout runs during each sample's recalibration (see {@link UpdateBnOptions}). */
  dropout?: UpdateBnOptions["dropout"];
  /**
   * `dropout: "training"` only: seeds the Dropout masks; sample i is recalibrated with
   * dropoutSeed + i. (`seed` is the sampling seed.)
   */
  dropoutSeed?: number;
}

/**
 * Yields `samplesPerPosterior` draws from each posterior in turn (posterior 0's first), each a
 * servable model with BatchNorm statistics recomputed by {@link updateBn}.
 *
 * @example
 * ```ts
 * for await (const { posterior, model } of swagModels([swag], {
 *   samplesPerPosterior: 30, scale: 0.5, cov: true, seed: 1, calibration, rowShape: [64],
 * })) predictions.push(await predict(model));
 * ```
 */
export async function* swagModels(
  posteriors: readonly SwagState[],
  { calibration, rowShape, batchSize = 32, dropout, dropoutSeed, ...sampling }: SwagModelOptions,
): AsyncGenerator<{ posterior: number; model: onnx.ModelProto }> {
  let i = 0;
  for (const { posterior, parameters } of sampleMultiSwag(posteriors, sampling)) {
    const sampled = swagParametersToModel(posteriors[posterior], parameters);
    const seed = dropoutSeed === undefined ? undefined : dropoutSeed + i++;
    yield {
      posterior,
      model: await updateBn(sampled, calibration, rowShape, { batchSize, dropout, seed }),
    };
  }
}
