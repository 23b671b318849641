import type { Hono } from "hono";

/** An OpenAPI document's `paths`, as far as drift checking needs it. */
export interface OpenApiPaths {
  paths?: Record<string, Record<string, unknown>>;
}

/** What a served app and its document disagree on, as `"GET /v2/models/{model}"` strings. */
export interface RouteDrift {
  /** Served by the app but absent from the document. */
  undocumented: string[];
  /** In the document but not served. */
  unserved: string[];
}

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

/** The routes an app serves (handlers, not middleware), as `"METHOD /path/{param}"`. */
export function servedRoutes(app: Hono<never>, ignore: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const { method, path } of app.routes) {
    // `app.use` registers middleware as method ALL on a wildcard path; routes are the rest.
    if (method === "ALL" || path.endsWith("*")) continue;
    const openApiPath = path.replaceAll(/:([^/{}]+)/g, "{$1}");
    if (ignore.includes(openApiPath)) continue;
    out.add(`${method} ${openApiPath}`);
  }
  return [...out].sort();
}

/** The operations a document lists, as `"METHOD /path/{param}"`. */
export function documentedRoutes(doc: OpenApiPaths): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of Object.keys(item)) {
      if (METHODS.has(method)) out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out.sort();
}

/**
 * Compares what `app` serves with what `doc` documents. Both lists empty means no drift.
 *
 * @example
 * ```ts
 * const drift = routeDrift(app, await (await app.request("/openapi.json")).json());
 * assert.deepEqual(drift, { undocumented: [], unserved: [] });
 * ```
 */
export function routeDrift(
  app: Hono<never>,
  doc: OpenApiPaths,
  { ignore = [] }: { ignore?: readonly string[] } = {},
): RouteDrift {
  const served = servedRoutes(app, ignore);
  const documented = documentedRoutes(doc);
  return {
    undocumented: served.filter((r) => !documented.includes(r)),
    unserved: documented.filter((r) => !served.includes(r)),
  };
}
