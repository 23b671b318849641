import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { Logger } from "./logger.ts";

/**
 * What an edge app is given: everything it touches outside itself. Handlers never reach for
 * globals, so the same app runs mounted in the embedded gateway and deployed alone at the edge.
 *
 * `Workers` is the typed worker client (`@edgeml/gpu-workers/client`: HTTP or in-process) and
 * `Store` the tenant's key-value and artifact stores (`@edgeml/shared/store`); they are type
 * parameters so that this module depends on neither.
 */
export interface EdgeDeps<Workers = unknown, Store = unknown> {
  workers: Workers;
  store: Store;
  /** Deployment settings (environment variables by name). */
  config: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}

/**
 * One service's edge app, as the gateway mounts it. Adding a service to the gateway is adding
 * its `EdgeService` to the gateway's list; its routes and its tag in `/openapi.json` follow.
 *
 * @example
 * ```ts
 * export const swaServing: EdgeService = {
 *   name: "swa-serving",
 *   description: "SWA / SWAG predictions with uncertainty",
 *   create: (deps) => createSwaEdgeApp(deps), // routes under /v1/swa/...
 * };
 * ```
 */
export interface EdgeService<Workers = unknown, Store = unknown> {
  /** The service's name: its OpenAPI tag. */
  name: string;
  description: string;
  /** Builds the app; its routes carry their full paths (e.g. `/v1/swa/models`). */
  create(deps: EdgeDeps<Workers, Store>): OpenAPIHono<Env>;
}
