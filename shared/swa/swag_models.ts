/**
 * Servable SWAG / MultiSWAG draws: each sampled parameter vector written into the model graph
 * and BatchNorm-recalibrated on calibration data (as the SWAG paper does for every sample,
 * since BN statistics of the mean do not fit a sampled network).
 */
import type { onnx } from "../onnx/proto.ts";
import {
  sampleMultiSwag,
  type SampleOptions,
  swagParametersToModel,
  type SwagState,
} from "./swag.ts";
import { updateBn } from "./update_bn.ts";

export interface SwagModelOptions extends SampleOptions {
  samplesPerPosterior: number;
  /** Calibration rows (row-major float32) and the shape of one row. */
  calibration: Float32Array;
  rowShape: readonly number[];
  batchSize?: number;
}

export async function* swagModels(
  posteriors: readonly SwagState[],
  { calibration, rowShape, batchSize = 32, ...sampling }: SwagModelOptions,
): AsyncGenerator<{ posterior: number; model: onnx.ModelProto }> {
  for (const { posterior, parameters } of sampleMultiSwag(posteriors, sampling)) {
    const sampled = swagParametersToModel(posteriors[posterior], parameters);
    yield { posterior, model: await updateBn(sampled, calibration, rowShape, { batchSize }) };
  }
}
