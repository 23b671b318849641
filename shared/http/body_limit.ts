import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { payloadTooLarge } from "./problem.ts";

/** Options of {@link bodyLimit}. */
export interface BodyLimitOptions {
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxSize?: number;
}

/**
 * Hono's `bodyLimit` whose overflow is a 413 `body_too_large` problem stating the limit.
 * A `Content-Length` over the limit is rejected before reading; a body without one
 * (chunked/streamed) is counted while read and rejected as soon as it passes the limit.
 *
 * @example
 * ```ts
 * app.post("/v1/infer", bodyLimit({ maxSize: 256 * 1024 }), handler);
 * ```
 */
export function bodyLimit({ maxSize = 1024 * 1024 }: BodyLimitOptions = {}): MiddlewareHandler {
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
    throw new RangeError(`bodyLimit: maxSize must be a non-negative integer, got ${maxSize}`);
  }
  return honoBodyLimit({
    maxSize,
    onError: function bodyTooLarge() {
      throw payloadTooLarge(
        "body_too_large",
        `Request body exceeds the limit of ${maxSize} bytes`,
        { limitBytes: maxSize },
      );
    },
  });
}
