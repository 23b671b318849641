/**
 * The recommendations service as the gateway mounts it: `recommendationsService({ control,
 * adminToken })` is its `EdgeService` (routes under `/v1/recommendations/…`).
 * @module
 */
import type { EdgeService } from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createRecommendationsEdgeApp, type RecommendationsEdgeOptions } from "./app.ts";

export { createRecommendationsEdgeApp, type RecommendationsEdgeOptions } from "./app.ts";

export function recommendationsService(
  options: RecommendationsEdgeOptions = {},
): EdgeService<OipClient | undefined, TenantStores> {
  return {
    name: "recommendations",
    description:
      "Personalize-style datasets, imports and events (training and campaigns are being built)",
    create: (deps) => createRecommendationsEdgeApp(deps, options),
  };
}
