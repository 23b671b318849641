/**
 * The gateway of the embedded default, in the pool's own process: OIP requests handed to the
 * pool's app as they came, edge services given the in-process worker client, the stores of the
 * default tenant. `main.ts` serves it; the benchmark builds the same one.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { Logger } from "@edgeml/shared/http";
import { type Stores, type TenantStores, tenantStores } from "@edgeml/shared/store";
import type { PoolServer } from "@edgeml/gpu-workers";
import type { SwaControl } from "@edgeml/swa-serving/control";
import type { SearchControl } from "@edgeml/search-qa/edge";
import { createInProcessClient } from "@edgeml/gpu-workers/client/in-process";
import { createGatewayApp } from "../app.ts";
import { edgeServices } from "../edge_services.ts";
import type { RecommendationsControl } from "@edgeml/recommendations/control";
import { inProcessUpstream } from "../upstream.ts";

export interface EmbeddedGatewayOptions {
  pool: PoolServer;
  stores: Stores;
  adminToken?: string;
  logger: Logger;
  /** The SWA service's control plane (finalise, rollback); without it those routes answer 503. */
  swaControl?: SwaControl;
  /** The search service's ingestion; without it those routes answer 503. */
  searchControl?: SearchControl;
  /** The recommendations service's imports; without it those routes answer 503. */
  recommendationsControl?: RecommendationsControl;
  /**
   * The default tenant's store views, when the process already has them (the control plane's):
   * sharing them shares their caches, so a version made live serves from the next request.
   */
  tenant?: TenantStores;
}

export function createEmbeddedGateway(
  {
    pool,
    stores,
    adminToken,
    logger,
    swaControl,
    searchControl,
    recommendationsControl,
    tenant,
  }: EmbeddedGatewayOptions,
): OpenAPIHono<Env> {
  return createGatewayApp({
    upstream: inProcessUpstream(pool.app),
    services: edgeServices({ adminToken, swaControl, searchControl, recommendationsControl }),
    deps: {
      // An edge handler's inference is a function call into the pool itself.
      workers: createInProcessClient(pool.pool),
      store: tenant ?? tenantStores(stores, "default"),
      config: Deno.env.toObject(),
      logger,
    },
    adminToken,
    logger,
  });
}
