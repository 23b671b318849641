import type { MiddlewareHandler } from "hono";
import { timeout as honoTimeout } from "hono/timeout";
import { ProblemError, serviceUnavailable } from "./problem.ts";

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Deadline for the downstream handlers, in milliseconds (default 30 s). */
  ms?: number;
  /** 503 (default) or 504; see {@link timeout}. */
  status?: 503 | 504;
  /** `Retry-After` sent with a 503 (default 5). */
  retryAfterSeconds?: number;
}

/**
 * Hono's `timeout` whose expiry is a `request_timeout` problem.
 *
 * Status: 503 + `Retry-After` by default. The server's own deadline ran out, which here
 * means it is overloaded (queued GPU work), and 503 is the status that tells clients and
 * load balancers "temporarily unavailable, retry later". 504 is meant for a gateway whose
 * upstream did not answer in time, so a pure proxy route may pass `status: 504` (sent
 * without `Retry-After`). 408 is not used: it blames the client for sending slowly.
 *
 * Like Hono's, it answers on time but does not cancel the handler, which runs on.
 *
 * @example
 * ```ts
 * app.use("/v1/*", timeout({ ms: 10_000 }));
 * ```
 */
export function timeout(
  { ms = 30_000, status = 503, retryAfterSeconds = 5 }: TimeoutOptions = {},
): MiddlewareHandler {
  const detail = `Request did not complete within ${ms} ms`;
  const extra = { timeoutMs: ms };
  return honoTimeout(ms, function requestTimeout() {
    return status === 503
      ? serviceUnavailable("request_timeout", detail, retryAfterSeconds, extra)
      : new ProblemError({ status, code: "request_timeout", detail, extra });
  });
}
