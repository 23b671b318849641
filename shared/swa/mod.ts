/**
 * The SWA engine: Stochastic Weight Averaging (Izmailov et al. 2018) and SWA-Gaussian
 * (Maddox et al. 2019) on ONNX checkpoints, numerically matching torch.optim.swa_utils and the
 * SWAG reference code (see pytorch_parity_test.ts).
 *
 * @example
 * ```ts
 * let average = createAverage({ strategy: "equal" });
 * for (const bytes of checkpoints) average = updateAverage(average, readCheckpoint(bytes));
 * const swa = await updateBn(averageToModel(average), calibrationRows, [64], { batchSize: 32 });
 * ```
 * @module
 */
export { batchNormBuffers, type Checkpoint, readCheckpoint } from "./checkpoint.ts";
export {
  type AverageOptions,
  type AverageState,
  averageToModel,
  createAverage,
  updateAverage,
  withTensors,
} from "./averaging.ts";
export {
  collectSwag,
  createSwag,
  sampleMultiSwag,
  type SampleOptions,
  sampleSwag,
  swagParametersToModel,
  type SwagState,
  swagVariance,
} from "./swag.ts";
export { swagModels } from "./swag_models.ts";
export { updateBn, type UpdateBnOptions } from "./update_bn.ts";
export { SWALR, type SwaLrOptions } from "./swalr.ts";
export { loadAverage, loadSwag, saveAverage, saveSwag } from "./state_store.ts";
