/**
 * The SWA service's control plane: everything of the SWA engine that needs ONNX Runtime or
 * storage. BatchNorm recalibration of averaged models (`updateBn`, torch's `update_bn` on ONNX
 * Runtime), deterministic serving copies of exports that kept Dropout (`servingGraph`),
 * servable SWAG / MultiSWAG samples (`swagModels`) and the crash-safe state store
 * (`saveAverage` / `loadAverage`, `saveSwag` / `loadSwag`) over `@edgeml/shared/store`. The
 * averaging and SWAG math itself is the edge-safe `@edgeml/shared/swa`.
 *
 * @example
 * ```ts
 * import { averageToModel, createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
 * import { openStores, tenantStores } from "@edgeml/shared/store";
 * import { loadAverage, saveAverage, updateBn } from "@edgeml/swa-serving/control";
 *
 * const where = { ...tenantStores(await openStores(), "default"), model: "mlp", run: "run-1" };
 * const average = updateAverage(
 *   (await loadAverage(where)) ?? createAverage({ strategy: "equal" }),
 *   readCheckpoint(checkpointBytes),
 * );
 * await saveAverage(where, average); // survives a restart
 * const swa = await updateBn(averageToModel(average), calibrationRows, [64], { batchSize: 32 });
 * ```
 * @module
 */
export { updateBn, type UpdateBnOptions } from "./update_bn.ts";
export { type SwagModelOptions, swagModels } from "./swag_models.ts";
export { servingGraph } from "./serving_graph.ts";
export {
  loadAverage,
  loadSwag,
  saveAverage,
  saveSwag,
  type SwaStateLocation,
} from "./state_store.ts";
export {
  createSwaControl,
  type SwaControl,
  type SwaControlOptions,
  type SwaControlPlane,
} from "./swa_control.ts";
export { type ModelPublisher, repositoryPublisher } from "@edgeml/gpu-workers/publisher";
export { seedDemoSwaModel } from "./demo_model.ts";
