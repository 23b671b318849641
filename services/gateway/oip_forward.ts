/**
 * The gateway's OIP v2 routes: the same route contracts the pool serves, each forwarding to the
 * pool with its body streamed under a limit. Repository routes (index, load, unload) change what
 * the pool serves, so they need the deployment's admin credential.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env } from "hono";
import { OIP_COMPONENTS, oipRoutes } from "@edgeml/shared/contracts";
import {
  adminOnly,
  limitStream,
  payloadTooLarge,
  type ProblemError,
  registerSchemas,
  serviceUnavailable,
} from "@edgeml/shared/http";
import type { Upstream } from "./upstream.ts";

export interface OipForwardOptions {
  upstream: Upstream;
  /** Bearer token for the repository routes; without one they are refused (403). */
  adminToken?: string;
  /** Largest infer body forwarded (bytes). */
  maxInferBytes: number;
  /** Largest body of any other OIP route (bytes). */
  maxControlBytes: number;
}

/** Request headers that describe one hop, not the message. */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "host"];

function tooLarge(limit: number): ProblemError {
  return payloadTooLarge(
    "body_too_large",
    `Request body exceeds the limit of ${limit} bytes`,
    { limitBytes: limit },
  );
}

/** Registers every OIP route on `app`, forwarding to `upstream`. */
export function mountOipForwarding<E extends Env>(
  app: OpenAPIHono<E>,
  { upstream, adminToken, maxInferBytes, maxControlBytes }: OipForwardOptions,
): void {
  registerSchemas(app as never, OIP_COMPONENTS);
  const forward = (limit: number) => (c: Context) => forwardRequest(c, upstream, limit) as never;
  const admin = adminOnly(adminToken, "The repository API");
  for (const route of Object.values(oipRoutes)) {
    const isInfer = route === oipRoutes.modelInfer || route === oipRoutes.versionInfer;
    const isAdmin = route.path.startsWith("/v2/repository/");
    app.openapi(
      {
        ...route,
        ...(isAdmin ? { middleware: [admin], security: [{ adminToken: [] }] } : {}),
      } as typeof route,
      forward(isInfer ? maxInferBytes : maxControlBytes),
    );
  }
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The deployment's admin credential (EDGEML_ADMIN_TOKEN)",
  });
}

/**
 * Sends the request on with its body streamed; answers 413 the moment the body passes
 * `limit`, without waiting for the pool. The pool's response (status, headers including
 * Content-Length, body) comes back as it is.
 */
async function forwardRequest(c: Context, upstream: Upstream, limit: number): Promise<Response> {
  const incoming = c.req.raw;
  const declared = incoming.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (upstream.inProcess && (declared !== null || incoming.body === null)) {
    // A function call into the pool: its length is known and within the limit.
    return await upstream(incoming);
  }
  const headers = new Headers(incoming.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const abort = new AbortController();
  let body: ReadableStream<Uint8Array> | null = null;
  let overflow: Promise<never> | undefined;
  if (incoming.body) {
    const limited = limitStream(incoming.body, limit);
    body = limited.stream;
    overflow = limited.overflow.then(() => {
      abort.abort();
      throw tooLarge(limit);
    });
  }
  const request = new Request(incoming.url, {
    method: incoming.method,
    headers,
    body,
    signal: abort.signal,
    // @ts-ignore: `duplex` is required by fetch for stream bodies, not yet in Deno's RequestInit
    duplex: "half",
  });
  const answered = upstream(request).catch((err: unknown) => {
    if (abort.signal.aborted) return new Response(null, { status: 499 }); // we gave up on it
    throw serviceUnavailable(
      "pool_unreachable",
      `the worker pool did not answer: ${(err as Error).message}`,
      1,
    );
  });
  const response = overflow ? await Promise.race([answered, overflow]) : await answered;
  overflow?.catch(() => {}); // settled or not, nobody waits on it any more
  return response;
}
