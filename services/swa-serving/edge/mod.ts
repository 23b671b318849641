/**
 * The SWA service as the gateway mounts it: `swaServingService({ control, adminToken })` is its
 * `EdgeService` (routes under `/v1/swa/…`, tag `swa-serving` in `/openapi.json`).
 *
 * @example
 * ```ts
 * const services = [swaServingService({ control: createSwaControl({ stores, publisher }), adminToken })];
 * ```
 * @module
 */
import type { EdgeService } from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createSwaEdgeApp, type SwaEdgeOptions } from "./app.ts";

export { createSwaEdgeApp, type SwaEdgeDeps, type SwaEdgeOptions } from "./app.ts";

export function swaServingService(
  options: SwaEdgeOptions = {},
): EdgeService<OipClient, TenantStores> {
  return {
    name: "swa-serving",
    description:
      "Stochastic Weight Averaging: checkpoints in, SWA / SWAG / MultiSWAG predictions with uncertainty out",
    create: (deps) => createSwaEdgeApp(deps, options),
  };
}
