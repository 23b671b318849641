/**
 * The error body of every API: RFC 9457 `application/problem+json` with a stable `code`
 * (rendered by `@edgeml/shared/http`'s problem handler; read by clients and tests).
 */
// z from @hono/zod-openapi: zod extended with `.openapi()`, which registering a component needs.
import { z } from "@hono/zod-openapi";

export const Problem = z.object({
  /** `https://edgeml.dev/problems/<code>` */
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  /** Stable snake_case identifier clients may switch on. */
  code: z.string(),
  detail: z.string(),
  /** The request id. */
  instance: z.string().optional(),
}).catchall(z.unknown()).meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;
