/**
 * Shared HTTP building blocks for the project's Hono services: RFC 9457 problem errors,
 * request ids, body limits, timeouts, Prometheus metrics, JSON bodies and structured logs.
 *
 * @example
 * ```ts
 * const log = createLogger({ service: "gateway" });
 * const { middleware: metrics, registry } = createHttpMetrics();
 * const app = new Hono()
 *   .use(requestId(), accessLog({ logger: log }), metrics, bodyLimit(), timeout())
 *   .get("/metrics", metricsHandler(registry));
 * app.onError(createProblemHandler({ onUnexpected: (err) => log.error("unhandled", { err }) }));
 * app.notFound(notFoundHandler);
 * ```
 * @module
 */
export * from "./problem.ts";
export * from "./request_id.ts";
export * from "./body_limit.ts";
export * from "./timeout.ts";
export * from "./metrics.ts";
export * from "./json_body.ts";
export * from "./logger.ts";
export * from "./openapi_app.ts";
export * from "./openapi_drift.ts";
export * from "./stream_limit.ts";
export * from "./edge_service.ts";
export * from "./decompress.ts";
export * from "./compress.ts";
export * from "./admin_only.ts";
export * from "./read_body_limited.ts";
export * from "./control_plane.ts";
