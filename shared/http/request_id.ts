import type { Context, MiddlewareHandler } from "hono";
import { requestId as honoRequestId, type RequestIdVariables } from "hono/request-id";

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

/**
 * Hono's `requestId` middleware with this project's defaults: accepts a valid incoming
 * `X-Request-Id`, otherwise generates a UUID, stores it as `c.get("requestId")` and echoes it.
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
  return honoRequestId({ headerName, limitLength, generator });
}

/** The id set by {@link requestId}, or `undefined` when the middleware did not run. */
export function getRequestId(c: Context): string | undefined {
  const id: unknown = c.get("requestId");
  return typeof id === "string" ? id : undefined;
}
