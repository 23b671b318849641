/**
 * The gateway alone, in front of a worker pool elsewhere:
 * `deno run -A services/gateway/main.ts` with EDGEML_POOL_URL (http://127.0.0.1:8001),
 * EDGEML_HOST (127.0.0.1), EDGEML_GATEWAY_PORT (8000), EDGEML_ADMIN_TOKEN (the repository
 * routes answer 403 without one), EDGEML_MAX_INFER_BYTES, EDGEML_LOG_LEVEL, EDGEML_KV and
 * EDGEML_ARTIFACTS (the stores the edge services use; see shared/store/README.md).
 * SIGINT / SIGTERM stop it after in-flight requests finish.
 */
import { createLogger, type LogLevel } from "@edgeml/shared/http";
import { openStores, tenantStores } from "@edgeml/shared/store";
import { createOipClient } from "@edgeml/gpu-workers/client";
import { createGatewayApp } from "./app.ts";
import { edgeServices } from "./edge_services.ts";
import { httpUpstream } from "./upstream.ts";

const env = (name: string) => Deno.env.get(name);
const logger = createLogger({
  service: "gateway",
  level: (env("EDGEML_LOG_LEVEL") ?? "info") as LogLevel,
});
const poolUrl = env("EDGEML_POOL_URL") ?? "http://127.0.0.1:8001";
const hostname = env("EDGEML_HOST") ?? "127.0.0.1";
const port = Number(env("EDGEML_GATEWAY_PORT") ?? 8000);
const maxInferBytes = env("EDGEML_MAX_INFER_BYTES");

const adminToken = env("EDGEML_ADMIN_TOKEN") || undefined;
// The edge services read and write the deployment's stores (EDGEML_KV, EDGEML_ARTIFACTS) and
// call the pool over HTTP; jobs that need its repository (SWA finalisation) answer 503 here.
const stores = await openStores();
const app = createGatewayApp({
  upstream: httpUpstream(poolUrl),
  services: edgeServices({ adminToken }),
  deps: {
    workers: createOipClient(poolUrl),
    store: tenantStores(stores, "default"),
    config: Deno.env.toObject(),
    logger,
  },
  adminToken,
  maxInferBytes: maxInferBytes ? Number(maxInferBytes) : undefined,
  logger,
});
const server = Deno.serve({
  hostname,
  port,
  onListen: ({ port }) => {
    logger.info("gateway listening", { url: `http://${hostname}:${port}`, poolUrl });
    // A line on stdout a parent process (tests, supervisors) can wait for.
    console.log(JSON.stringify({ listening: `http://${hostname}:${port}` }));
  },
}, app.fetch);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => server.shutdown().then(() => Deno.exit(0)));
}
