/**
 * The deployment's admin credential for the embedded default: `EDGEML_ADMIN_TOKEN` when set,
 * otherwise a random token generated at first start and kept in `<data>/admin_token` (mode 0600)
 * so it survives restarts. The caller prints it once, when it is created.
 */
import { join } from "node:path";

export interface AdminToken {
  token: string;
  /** Where it is kept; undefined when it came from the environment. */
  path?: string;
  /** True on the start that generated it. */
  created: boolean;
}

export async function loadOrCreateAdminToken(
  dataDir: string,
  fromEnv: string | undefined,
): Promise<AdminToken> {
  if (fromEnv) return { token: fromEnv, created: false };
  const path = join(dataDir, "admin_token");
  try {
    const token = (await Deno.readTextFile(path)).trim();
    if (token.length > 0) return { token, path, created: false };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, token + "\n", { mode: 0o600 });
  await Deno.rename(temp, path); // whole or absent, never half-written
  return { token, path, created: true };
}
