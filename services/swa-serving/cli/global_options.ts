/**
 * The options every command takes: where the service is (`--url`, default `EDGEML_URL` or
 * http://127.0.0.1:8000) and the admin token (`--token`, default `EDGEML_ADMIN_TOKEN`, else the
 * file the embedded default keeps it in: `$EDGEML_DATA_DIR/admin_token`, `./data` by default).
 */
import { join } from "node:path";
import { type FlagValues, stringFlag } from "./flag_values.ts";

export const GLOBAL_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const GLOBAL_USAGE =
  `  --url URL       the service (default $EDGEML_URL or http://127.0.0.1:8000)
  --token TOKEN   admin token for changes (default $EDGEML_ADMIN_TOKEN, else
                  $EDGEML_DATA_DIR/admin_token, ./data/admin_token by default)
  -h, --help      this text`;

export interface Connection {
  baseUrl: string;
  adminToken?: string;
}

export function resolveConnection(
  values: FlagValues,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Connection {
  const baseUrl = stringFlag(values, "url") || env("EDGEML_URL") || "http://127.0.0.1:8000";
  const adminToken = stringFlag(values, "token") || env("EDGEML_ADMIN_TOKEN") ||
    readTokenFile(join(env("EDGEML_DATA_DIR") || "./data", "admin_token"));
  return { baseUrl, ...(adminToken ? { adminToken } : {}) };
}

function readTokenFile(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path).trim() || undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
