/**
 * The SWA engine's edge-safe core: Stochastic Weight Averaging (Izmailov et al. 2018) and
 * SWA-Gaussian (Maddox et al. 2019) on ONNX checkpoints, numerically matching
 * torch.optim.swa_utils and the SWAG reference code, plus SWALR. Pure math over decoded models:
 * no ONNX Runtime, no file system, no HTTP (errors are `DomainError`s).
 *
 * BatchNorm recalibration (`updateBn`, on ONNX Runtime), servable SWAG samples and the
 * crash-safe state store are the SWA service's control plane: `@edgeml/swa-serving/control`.
 *
 * @example
 * ```ts
 * import { averageToModel, createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
 * let average = createAverage({ strategy: "equal" });
 * for (const bytes of checkpoints) average = updateAverage(average, readCheckpoint(bytes));
 * const swa = averageToModel(average); // then updateBn(swa, …) on the control plane
 * ```
 * @module
 */
export {
  assertSameArchitecture,
  batchNormBuffers,
  type Checkpoint,
  type CheckpointTensor,
  readCheckpoint,
  type TensorRole,
} from "./checkpoint.ts";
export {
  type AverageOptions,
  type AverageState,
  averageToModel,
  createAverage,
  foldEqualAverage,
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
export { type LearningRateHolder, SWALR, type SwaLrOptions } from "./swalr.ts";
