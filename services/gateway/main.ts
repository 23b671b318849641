/** Gateway process: `deno run -A services/gateway/main.ts` with EDGEML_POOL_URL and EDGEML_GATEWAY_PORT. */
import { createLogger } from "../../shared/http/logger.ts";
import { createGatewayApp } from "./app.ts";

const logger = createLogger({
  service: "gateway",
  level: (Deno.env.get("EDGEML_LOG_LEVEL") ?? "info") as "info",
});
const poolUrl = Deno.env.get("EDGEML_POOL_URL") ?? "http://127.0.0.1:8001";
const hostname = Deno.env.get("EDGEML_HOST") ?? "127.0.0.1";
const port = Number(Deno.env.get("EDGEML_GATEWAY_PORT") ?? 8000);

const app = createGatewayApp({ poolUrl, logger });
const server = Deno.serve({
  hostname,
  port,
  onListen: ({ port }) =>
    logger.info("gateway listening", { url: `http://${hostname}:${port}`, poolUrl }),
}, app.fetch);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => server.shutdown().then(() => Deno.exit(0)));
}
