/** Routes every server of ours has besides its API: metrics and its own OpenAPI document. */
import { createRoute, z } from "@hono/zod-openapi";

/** `GET /metrics`: Prometheus text exposition (Triton's metric names on the pool). */
export const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["Operations"],
  summary: "Prometheus metrics",
  responses: {
    200: {
      description: "Prometheus text exposition format",
      content: { "text/plain": { schema: z.string() } },
    },
  },
});

/** `GET /openapi.json`: this document, generated from the routes. */
export const openApiRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  tags: ["Operations"],
  summary: "This OpenAPI 3.1 document, generated from the served routes",
  responses: {
    200: {
      description: "OpenAPI 3.1",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});
