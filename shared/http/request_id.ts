import type { Context, MiddlewareHandler } from "hono";
import type { RequestIdVariables } from "hono/request-id";

export type { RequestIdVariables };

/** Options of {@link requestId}. */
export interface RequestIdOptions {
  /** Header read from the request and echoed on the response. */
  headerName?: string;
  /** Incoming ids longer than this (or with chars outside `[A-Za-z0-9_=-]`) are replaced. */
  limitLength?: number;
  /** Makes a fresh id when the incoming one is missing or invalid. */
  generator?: (c: Context) => string;
}

const VALID_ID = /^[\w\-=]+$/;

/**
 * Accepts a valid incoming `X-Request-Id`, otherwise generates a UUID, stores it as
 * `c.get("requestId")` and echoes it on the response (Hono's `requestId`, same options and
 * checks). The echo is added to the finished response rather than staged with `c.header()`:
 * staged headers make Hono rebuild every response's header list, which costs a cheap route a
 * measurable share of its time. Problem responses carry the header from the start.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: RequestIdVariables }>();
 * app.use(requestId());
 * app.get("/", (c) => c.text(c.get("requestId")));
 * ```
 */
export function requestId(
  { headerName = "X-Request-Id", limitLength = 255, generator = () => crypto.randomUUID() }:
    RequestIdOptions = {},
): MiddlewareHandler {
  return async function requestId(c, next) {
    let id = c.req.header(headerName);
    if (!id || id.length > limitLength || !VALID_ID.test(id)) id = generator(c);
    c.set("requestId", id);
    c.set(HEADER_NAME_KEY, headerName);
    await next();
    if (c.get(ECHOED_KEY) === true) return;
    try {
      c.res.headers.set(headerName, id);
    } catch {
      // Headers of a fetched response are immutable: answer with a copy that has it.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set(headerName, id);
    }
  };
}

const HEADER_NAME_KEY = "requestIdHeader";
const ECHOED_KEY = "requestIdEchoed";

/** Tells {@link requestId} that the response was built with the id header already on it. */
export function markRequestIdEchoed(c: Context): void {
  c.set(ECHOED_KEY, true);
}

/** The response header {@link requestId} echoes the id in, when it runs. */
export function getRequestIdHeader(c: Context): string | undefined {
  const name: unknown = c.get(HEADER_NAME_KEY);
  return typeof name === "string" ? name : undefined;
}

/** The id set by {@link requestId}, or `undefined` when the middleware did not run. */
export function getRequestId(c: Context): string | undefined {
  const id: unknown = c.get("requestId");
  return typeof id === "string" ? id : undefined;
}
