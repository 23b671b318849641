/**
 * The search Q&A service as the gateway mounts it: `searchQaService({ control, adminToken })` is
 * its `EdgeService` (routes under `/v1/search/…`, tag `search-qa` in `/openapi.json`).
 * @module
 */
import type { EdgeService } from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createSearchEdgeApp, type SearchEdgeOptions } from "./app.ts";

export { createSearchEdgeApp, type SearchControl, type SearchEdgeOptions } from "./app.ts";

export function searchQaService(
  options: SearchEdgeOptions = {},
): EdgeService<OipClient | undefined, TenantStores> {
  return {
    name: "search-qa",
    description:
      "Questions answered from FAQs and documents, with attribute filters, facets and feedback",
    create: (deps) => createSearchEdgeApp(deps, options),
  };
}
