import type { Handler, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Registry } from "./prometheus.ts";
import { RequestSeries } from "./request_series.ts";

/** Options of {@link createHttpMetrics}. */
export interface HttpMetricsOptions {
  /** Registry to register on (default: a fresh one; never prom-client's global registry). */
  registry?: Registry;
  /** Metric name prefix (default `http_`). */
  prefix?: string;
  /** Histogram buckets in seconds. */
  buckets?: number[];
}

/** Result of {@link createHttpMetrics}. */
export interface HttpMetrics {
  middleware: MiddlewareHandler;
  registry: Registry;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Records `<prefix>requests_total{method,route,status}` and the histogram
 * `<prefix>request_duration_seconds{method,route,status}`. `route` is the matched route
 * pattern (`/v1/models/:id`, via `hono/route`'s `routePath`, the non-deprecated form of
 * `c.req.routePath`; `unmatched` when no route matched) and unknown methods count as `OTHER`,
 * so label cardinality stays bounded.
 * Names can be registered once per registry: use one instance (or prefix) per app.
 *
 * @example
 * ```ts
 * const { middleware, registry } = createHttpMetrics({ registry: new Registry() });
 * app.use(middleware);
 * app.get("/metrics", metricsHandler(registry));
 * ```
 */
export function createHttpMetrics({
  registry = new Registry(),
  prefix = "http_",
  buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
}: HttpMetricsOptions = {}): HttpMetrics {
  const series = new RequestSeries({
    registry,
    counterName: `${prefix}requests_total`,
    counterHelp: "HTTP requests handled, by method, route pattern and status.",
    histogramName: `${prefix}request_duration_seconds`,
    histogramHelp: "HTTP request handling time in seconds, by method, route pattern and status.",
    buckets,
  });

  const middleware: MiddlewareHandler = async function httpMetrics(c, next) {
    const start = performance.now();
    const own = c.req.routeIndex; // unchanged after next() when no later route matched
    let status = 500; // stays 500 if next() throws past Hono's error handling
    try {
      await next();
      status = c.res.status;
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : "OTHER";
      const route = c.req.routeIndex === own ? "unmatched" : routePath(c);
      series.observe(
        `${method} ${status} ${route}`,
        () => ({ method, route, status: String(status) }),
        (performance.now() - start) / 1000,
      );
    }
  };
  return { middleware, registry };
}

/**
 * Serves `registry.metrics()` in the Prometheus text format.
 *
 * @example
 * ```ts
 * app.get("/metrics", metricsHandler(registry));
 * ```
 */
export function metricsHandler(registry: Registry): Handler {
  return async function metrics(c) {
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  };
}
