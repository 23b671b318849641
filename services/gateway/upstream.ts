/**
 * Where the gateway sends OIP requests: the worker pool over HTTP (an edge deployed away from
 * its pool) or the pool's own app in this process (the embedded default: a function call, no
 * socket). Both take and give standard `Request`/`Response`, bodies streamed.
 */
export type Upstream = ((request: Request) => Promise<Response>) & {
  /**
   * The pool's app in this process: a request whose declared length is within the limit is
   * handed over as it came (no new Request, no stream in between); the pool applies its own
   * body limit to it.
   */
  readonly inProcess?: boolean;
};

/**
 * The pool at `baseUrl`, over HTTP.
 *
 * @example
 * ```ts
 * const upstream = httpUpstream("http://pool.internal:8001");
 * ```
 */
export function httpUpstream(baseUrl: string): Upstream {
  const base = new URL(baseUrl);
  return async function forwardOverHttp(request) {
    const incoming = new URL(request.url);
    const target = new URL(incoming.pathname + incoming.search, base);
    const forwarded = new Request(target, request);
    // Deno's fetch decodes any compressed response but keeps its Content-Encoding, so the pool
    // is asked for none: compressing to be decompressed at once would only cost both sides.
    forwarded.headers.set("accept-encoding", "identity");
    const response = await fetch(forwarded);
    if (!response.headers.has("content-encoding")) return response;
    const headers = new Headers(response.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    return new Response(response.body, { status: response.status, headers });
  };
}

/**
 * A pool app in this process (anything with Hono's `fetch`).
 *
 * @example
 * ```ts
 * const upstream = inProcessUpstream(poolServer.app);
 * ```
 */
export function inProcessUpstream(
  app: { fetch(request: Request): Response | Promise<Response> },
): Upstream {
  const forwardInProcess = async (request: Request) => await app.fetch(request);
  return Object.assign(forwardInProcess, { inProcess: true });
}
