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

/**
 * The problem a failed response carries, as a client reads it. A body that is not a problem (a
 * proxy's HTML error page, say) still reads as one: code `http_<status>`, the start of the body
 * as detail.
 */
export async function readProblem(res: Response, detailLimit = 500): Promise<Problem> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return Problem.safeParse(body).data ?? {
    type: "about:blank",
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    code: `http_${res.status}`,
    detail: text.trim().slice(0, detailLimit) || res.statusText || `HTTP ${res.status}`,
  };
}
