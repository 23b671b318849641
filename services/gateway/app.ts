/**
 * The gateway: the one public HTTP entry. It mounts each service's edge app (built from its
 * dependencies), forwards the Open Inference Protocol to the worker pool, and publishes one
 * OpenAPI document generated from everything it serves.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { metricsRoute, openApiRoute } from "@edgeml/shared/contracts";
import {
  createApiApp,
  createHttpMetrics,
  createNotFoundHandler,
  createProblemHandler,
  type EdgeDeps,
  type EdgeService,
  type Logger,
  requestId,
  serviceUnavailable,
} from "@edgeml/shared/http";
import { healthRoute } from "./health_route.ts";
import { mountOipForwarding } from "./oip_forward.ts";
import type { Upstream } from "./upstream.ts";

export interface GatewayOptions {
  /** Where OIP requests go: `httpUpstream(url)` or `inProcessUpstream(pool.app)`. */
  upstream: Upstream;
  /** Edge apps to mount, and the dependencies each is built with. */
  services?: readonly EdgeService[];
  deps?: EdgeDeps;
  /** Bearer token guarding the pool's repository routes; absent → those routes answer 403. */
  adminToken?: string;
  /** Largest infer body forwarded to the pool (bytes; default 64 MiB, the pool's own limit). */
  maxInferBytes?: number;
  /** Largest body of the other forwarded routes (bytes; default 1 MiB). */
  maxControlBytes?: number;
  logger?: Logger;
}

/** The OpenAPI document's `info`. */
export const GATEWAY_API_INFO = { title: "edgeml", version: "0.1.0" };

export function createGatewayApp({
  upstream,
  services = [],
  deps,
  adminToken,
  maxInferBytes = 64 * 1024 * 1024,
  maxControlBytes = 1024 * 1024,
  logger,
}: GatewayOptions): OpenAPIHono<Env> {
  const { middleware: metrics, registry } = createHttpMetrics({ prefix: "gateway_http_" });
  const app = createApiApp();
  app.use(requestId(), metrics);
  app.onError(createProblemHandler({
    kserveErrorField: true,
    onUnexpected: (err, c) =>
      logger?.error("unhandled error", { path: c.req.path, error: String(err) }),
  }));
  app.notFound(createNotFoundHandler({ kserveErrorField: true }));

  app.openapi(healthRoute, async (c) => {
    const probe = new Request("http://pool/v2/health/ready");
    const ready = await upstream(probe).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (!ready) throw serviceUnavailable("pool_not_ready", "the worker pool is not ready", 1);
    return c.json({ status: "ok" as const }, 200);
  });
  app.openapi(
    metricsRoute,
    async (c) => c.text(await registry.metrics(), 200, { "content-type": registry.contentType }),
  );
  mountOipForwarding(app, { upstream, adminToken, maxInferBytes, maxControlBytes });

  for (const service of services) {
    if (!deps) throw new TypeError(`edge service ${service.name} needs the gateway's deps`);
    app.route("/", service.create(deps));
  }
  const tags = services.map(({ name, description }) => ({ name, description }));
  app.openapi(
    openApiRoute,
    (c) =>
      c.json(app.getOpenAPI31Document({ openapi: "3.1.0", info: GATEWAY_API_INFO, tags }), 200),
  );
  return app;
}
