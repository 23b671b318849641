import { createRoute, z } from "@hono/zod-openapi";
import { Problem } from "@edgeml/shared/contracts";

/** `GET /healthz`: the gateway serves and its worker pool is ready. */
export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Operations"],
  summary: "The gateway serves and its worker pool is ready",
  responses: {
    200: {
      description: "Ready",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
    503: {
      description: "The worker pool is not ready",
      content: { "application/problem+json": { schema: Problem } },
    },
  },
});
