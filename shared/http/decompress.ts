import type { MiddlewareHandler } from "hono";
import { badRequest, payloadTooLarge, ProblemError } from "./problem.ts";

/** Options of {@link decompressRequest}. */
export interface DecompressOptions {
  /** Largest body accepted, counted on the decompressed bytes (and on the compressed ones). */
  maxSize: number;
}

/** Request content codings read, by header value, and the `DecompressionStream` format of each. */
const FORMATS: Record<string, CompressionFormat> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  // HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2), what Triton and tritonclient send
  // (Python's zlib.compress) and what DecompressionStream("deflate") reads.
  deflate: "deflate",
};

/** Compressed bytes handed to the decompressor at once: bounds what one step can inflate to. */
const INPUT_SLICE = 8 * 1024;

/** The `Accept-Encoding` a 415 lists: the codings this middleware reads (RFC 7694). */
export const SUPPORTED_REQUEST_ENCODINGS = "gzip, deflate";

function tooLarge(maxSize: number): ProblemError {
  return payloadTooLarge(
    "body_too_large",
    `Request body exceeds the limit of ${maxSize} bytes once decompressed`,
    { limitBytes: maxSize },
  );
}

/**
 * Reads request bodies sent with `Content-Encoding: gzip` or `deflate` (zlib), as Triton's
 * clients send them with `request_compression_algorithm`: the body is decompressed as it
 * streams, and the handler sees plain bytes without `Content-Encoding` or `Content-Length`.
 *
 * The limit holds on the decompressed bytes, counted as they come out, so a small body that
 * inflates without end (a zip bomb) fails with 413 `body_too_large` as soon as it passes the
 * limit; at most one slice of 8 KiB is inflated at a time. A body that does not decompress is
 * 400 `malformed_content_encoding`; an unknown coding is 415 `unsupported_content_encoding`
 * with `Accept-Encoding: gzip, deflate`. No header, or `identity`, costs nothing.
 *
 * Place it before `bodyLimit` (which then counts the decompressed bytes too).
 *
 * @example
 * ```ts
 * app.post("/v2/models/:m/infer", decompressRequest({ maxSize: 64 << 20 }), bodyLimit(), handler);
 * ```
 */
export function decompressRequest({ maxSize }: DecompressOptions): MiddlewareHandler {
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
    throw new RangeError(
      `decompressRequest: maxSize must be a non-negative integer, got ${maxSize}`,
    );
  }
  return async function decompressRequest(c, next) {
    const header = c.req.raw.headers.get("content-encoding");
    if (header === null) return await next();
    const codings = header.split(",").map((s) => s.trim().toLowerCase()).filter((s) =>
      s !== "" && s !== "identity"
    );
    if (codings.length === 0) return await next();
    const format = codings.length === 1 ? FORMATS[codings[0]] : undefined;
    if (format === undefined) {
      throw new ProblemError({
        status: 415,
        code: "unsupported_content_encoding",
        detail: `Content-Encoding '${header.slice(0, 100)}' is not supported; send gzip, ` +
          "deflate (zlib) or an uncompressed body",
        headers: { "Accept-Encoding": SUPPORTED_REQUEST_ENCODINGS },
      });
    }
    const raw = c.req.raw;
    if (!raw.body) return await next();
    const headers = new Headers(raw.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    c.req.raw = new Request(raw.url, {
      method: raw.method,
      headers,
      body: inflate(raw.body, format, codings[0], maxSize),
      // @ts-ignore: `duplex` is required by fetch for stream bodies, not yet in Deno's RequestInit
      duplex: "half",
    });
    await next();
  };
}

/**
 * The decompressed stream, pulled on demand (nothing is inflated ahead of the reader), failing
 * with a problem once either side passes `maxSize` or the data is corrupt.
 */
export function inflate(
  body: ReadableStream<Uint8Array>,
  format: CompressionFormat,
  coding: string,
  maxSize: number,
): ReadableStream<Uint8Array> {
  let compressed = 0;
  let compressedTooLarge = false;
  const sliced = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        compressed += chunk.byteLength;
        // Empty gzip members inflate to nothing: bound the wire bytes too.
        if (compressed > maxSize) {
          compressedTooLarge = true;
          controller.error(tooLarge(maxSize));
          return;
        }
        for (let at = 0; at < chunk.byteLength; at += INPUT_SLICE) {
          controller.enqueue(chunk.subarray(at, at + INPUT_SLICE));
        }
      },
    }),
  );
  // Streams apply backpressure: the decompressor runs only as far as the reader pulls.
  const reader = sliced
    .pipeThrough(new DecompressionStream(format) as TransformStream<Uint8Array, Uint8Array>)
    .getReader();
  let inflated = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (err) {
        controller.error(
          compressedTooLarge ? tooLarge(maxSize) : badRequest(
            "malformed_content_encoding",
            `The request body is not valid ${coding} data: ${(err as Error).message}`,
          ),
        );
        return;
      }
      if (result.done) {
        controller.close();
        return;
      }
      inflated += result.value.byteLength;
      if (inflated > maxSize) {
        reader.cancel().catch(() => {});
        controller.error(tooLarge(maxSize));
        return;
      }
      controller.enqueue(result.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
