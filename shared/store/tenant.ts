import { invalid } from "../errors/domain_error.ts";

/** The one tenant of the embedded default (one machine, one command). */
export const DEFAULT_TENANT = "default";

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Returns `tenantId` if it can begin a store key and an artifact path: 1–64 characters of
 * `[A-Za-z0-9_-]`, starting with a letter or digit (so no slashes, dots or empty ids, and no
 * way to name another tenant's folder).
 *
 * @throws {DomainError} `invalid` / `invalid_tenant_id` otherwise.
 *
 * @example
 * ```ts
 * checkTenantId("default"); // "default"
 * checkTenantId("../other"); // throws invalid_tenant_id
 * ```
 */
export function checkTenantId(tenantId: string): string {
  if (typeof tenantId !== "string" || !TENANT_ID.test(tenantId)) {
    throw invalid(
      "invalid_tenant_id",
      `tenant id must be 1-64 characters of [A-Za-z0-9_-] starting with a letter or digit, got ${
        JSON.stringify(String(tenantId)).slice(0, 80)
      }`,
    );
  }
  return tenantId;
}
