import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { z } from "zod";
import { invalidRequest } from "./problem.ts";

/**
 * An `OpenAPIHono` whose route validators fail the project's way: a 400 `invalid_request`
 * problem listing each zod issue, rendered by the app's problem handler. Routes are declared
 * with `createRoute`, so the OpenAPI document comes from what the app serves.
 *
 * @example
 * ```ts
 * const app = createApiApp();
 * app.openapi(getModelRoute, (c) => c.json(models.get(c.req.valid("param").name), 200));
 * const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "x", version: "1" } });
 * ```
 */
export function createApiApp<E extends Env = Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: function throwInvalidRequest(result) {
      if (!result.success) throw invalidRequest(result.error);
    },
  });
}

/** Registers zod schemas as named components (for routes that refer to them by `$ref`). */
export function registerSchemas(
  app: OpenAPIHono<Env>,
  schemas: Record<string, z.ZodType>,
): void {
  for (const [name, schema] of Object.entries(schemas)) {
    app.openAPIRegistry.register(name, schema);
  }
}
