import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { ProblemError } from "./problem.ts";

/**
 * Guards routes that change what a deployment serves (the pool's repository API, SWA model
 * management) with the deployment's admin bearer token. Without a configured token those
 * routes are refused (403 `admin_disabled`) rather than left open.
 *
 * @example
 * ```ts
 * app.openapi({ ...loadRoute, middleware: [adminOnly(token, "The repository API")] }, load);
 * ```
 */
export function adminOnly(token: string | undefined, what = "This route"): MiddlewareHandler {
  if (token) return bearerAuth({ token });
  return function adminDisabled() {
    throw new ProblemError({
      status: 403,
      code: "admin_disabled",
      detail: `${what} is disabled here: no admin credential is configured ` +
        "(set EDGEML_ADMIN_TOKEN)",
    });
  };
}
