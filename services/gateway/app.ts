/**
 * The gateway: the one public HTTP entry of the embedded default. Today it fronts the worker
 * pool (OIP v2 passed through untouched, binary bodies included) and publishes the OpenAPI
 * document; each service's edge routes mount here as they arrive.
 */
import { Hono } from "hono";
import { buildOpenApiDocument } from "../../shared/contracts/openapi.ts";
import { createHttpMetrics, metricsHandler } from "../../shared/http/metrics.ts";
import {
  createProblemHandler,
  notFoundHandler,
  serviceUnavailable,
} from "../../shared/http/problem.ts";
import { requestId } from "../../shared/http/request_id.ts";
import type { Logger } from "../../shared/http/logger.ts";

export interface GatewayOptions {
  /** Base URL of the worker pool's OIP v2 API. */
  poolUrl: string;
  logger?: Logger;
}

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
];

export function createGatewayApp({ poolUrl, logger }: GatewayOptions): Hono {
  const pool = poolUrl.replace(/\/$/, "");
  const { middleware: metrics, registry } = createHttpMetrics({ prefix: "gateway_http_" });
  const app = new Hono();
  app.use(requestId(), metrics);
  app.onError(createProblemHandler({
    onUnexpected: (err, c) =>
      logger?.error("unhandled error", { path: c.req.path, error: String(err) }),
  }));
  app.notFound(notFoundHandler);

  app.get("/healthz", async (c) => {
    const ready = await fetch(`${pool}/v2/health/ready`).then(
      (r) => (r.body?.cancel(), r.ok),
      () => false,
    );
    if (!ready) throw serviceUnavailable("pool_not_ready", "the worker pool is not ready", 1);
    return c.json({ status: "ok" });
  });
  app.get("/openapi.json", (c) => c.json(buildOpenApiDocument()));
  app.get("/metrics", metricsHandler(registry));

  app.all("/v2/*", async (c) => {
    const url = new URL(c.req.url);
    const headers = new Headers(c.req.raw.headers);
    for (const h of HOP_BY_HOP) headers.delete(h);
    const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
    let upstream: Response;
    try {
      upstream = await fetch(pool + url.pathname + url.search, {
        method: c.req.method,
        headers,
        body: hasBody ? await c.req.arrayBuffer() : undefined,
      });
    } catch (e) {
      throw serviceUnavailable(
        "pool_unreachable",
        `the worker pool did not answer: ${(e as Error).message}`,
        1,
      );
    }
    const out = new Headers(upstream.headers);
    for (const h of HOP_BY_HOP) out.delete(h);
    return new Response(upstream.body, { status: upstream.status, headers: out });
  });
  return app;
}
