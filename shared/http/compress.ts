import type { MiddlewareHandler } from "hono";

/** Options of {@link compressResponse}. */
export interface CompressResponseOptions {
  /**
   * Smallest body compressed, in bytes (default 1024), judged by the response's
   * `Content-Length`; a response without one is compressed whatever its size.
   */
  threshold?: number;
}

type Encoding = "gzip" | "deflate";
const ENCODINGS: readonly Encoding[] = ["gzip", "deflate"];

/**
 * The coding `Accept-Encoding` prefers among gzip and deflate: highest q wins, gzip on a tie,
 * `*` stands for those not named; none when neither is acceptable.
 */
export function selectEncoding(accept: string): Encoding | undefined {
  const q = new Map<string, number>();
  for (const part of accept.split(",")) {
    const [name, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (!name) continue;
    let value = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) value = Number(m[1]);
    }
    q.set(name === "x-gzip" ? "gzip" : name, Number.isFinite(value) ? value : 0);
  }
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const encoding of ENCODINGS) {
    const value = q.get(encoding) ?? q.get("*") ?? 0;
    if (value > bestQ) {
      best = encoding;
      bestQ = value;
    }
  }
  return best;
}

/**
 * Compresses successful (2xx) responses with gzip or deflate (zlib) when the request's
 * `Accept-Encoding` asks for one, whatever their content type, binary
 * `application/octet-stream` included (Hono's `compress` leaves that type alone, and Triton's
 * clients ask for compressed binary tensors). A request without `Accept-Encoding` passes
 * untouched at no cost: uncompressed is the default. Error responses are never compressed, so
 * a client reads the error message whether or not it decodes the body.
 *
 * @example
 * ```ts
 * app.post("/v2/models/:m/infer", compressResponse(), handler);
 * ```
 */
export function compressResponse(
  { threshold = 1024 }: CompressResponseOptions = {},
): MiddlewareHandler {
  return async function compressResponse(c, next) {
    const accept = c.req.raw.headers.get("accept-encoding");
    await next();
    if (accept === null) return;
    const res = c.res;
    if (res.status < 200 || res.status >= 300 || res.status === 204 || res.status === 206) return;
    if (!res.body || res.headers.has("content-encoding") || c.req.method === "HEAD") return;
    if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get("cache-control") ?? "")) return;
    const length = res.headers.get("content-length");
    if (length !== null && Number(length) < threshold) return;
    const vary = res.headers.get("vary");
    const encoding = selectEncoding(accept);
    const headers = new Headers(res.headers);
    if (vary !== "*" && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? "")) {
      headers.set("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    }
    if (encoding) {
      headers.delete("content-length");
      headers.set("content-encoding", encoding);
    }
    const body = encoding ? res.body.pipeThrough(new CompressionStream(encoding)) : res.body;
    c.res = undefined; // replace the response rather than merge headers into it
    c.res = new Response(body, { status: res.status, statusText: res.statusText, headers });
  };
}
