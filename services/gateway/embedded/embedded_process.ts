/**
 * The embedded default (`main.ts`) as a child process on free loopback ports, for the services'
 * integration tests (`@edgeml/gateway/testing`): real pool, real gateway, real stores under a data folder that
 * may outlive the process (to test restarts).
 */
import { fileURLToPath } from "node:url";

export interface EmbeddedProcess {
  url: string;
  adminToken: string;
  dataDir: string;
  child: Deno.ChildProcess;
  /** Stops it with a signal (SIGKILL: as a crash would) and waits for it to exit. */
  stop(signal?: Deno.Signal): Promise<void>;
}

/** A loopback port free at the moment of asking. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const MAIN = fileURLToPath(new URL("../../../main.ts", import.meta.url));

/**
 * Resolves with main.ts's banner once it (spawned with stdout piped) prints the line that says
 * it is up; its further output is discarded. Rejects, with what it printed, if it exits first.
 */
export async function waitForBanner(child: Deno.ChildProcess): Promise<string> {
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("Ctrl-C stops everything")) {
    const { value, done } = await stdout.read();
    if (done) throw new Error(`main.ts exited before it was up: ${banner}`);
    banner += value;
  }
  stdout.releaseLock();
  child.stdout.cancel().catch(() => {});
  return banner;
}

/** Starts main.ts and resolves once its banner says it is up. */
export async function startEmbedded(
  { dataDir, demo = false, env = {} }: {
    dataDir?: string;
    demo?: boolean;
    env?: Record<string, string>;
  } = {},
): Promise<EmbeddedProcess> {
  const dir = dataDir ?? await Deno.makeTempDir({ prefix: "edgeml-swa-" });
  const port = freePort();
  const adminToken = "swa-test-token";
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN],
    env: {
      EDGEML_DATA_DIR: dir,
      EDGEML_GATEWAY_PORT: String(port),
      EDGEML_POOL_PORT: String(freePort()),
      EDGEML_GPUS: "none",
      EDGEML_LOG_LEVEL: "error",
      EDGEML_ADMIN_TOKEN: adminToken,
      EDGEML_SWA_DEMO: demo ? "on" : "off",
      EDGEML_SEARCH_DEMO: demo ? "on" : "off",
      EDGEML_RECS_DEMO: demo ? "on" : "off",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  await waitForBanner(child);
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    dataDir: dir,
    child,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
      await child.status;
    },
  };
}
