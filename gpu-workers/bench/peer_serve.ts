/** How the benchmark's peer servers start and stop (no ONNX Runtime here: the bare peer loads none). */
import { parseArgs } from "node:util";

/** Command line shared by the peers: `--model FILE --name mlp_large --port 0 [--max-batch N]`. */
export function peerArgs() {
  return parseArgs({
    options: {
      model: { type: "string" },
      name: { type: "string", default: "mlp_large" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "0" },
      "max-batch": { type: "string", default: "64" },
      "window-ms": { type: "string", default: "1" },
      "bench-tag": { type: "string" },
    },
  }).values;
}

/** Serves `app`, prints `{"listening": url}` on stdout, and exits on SIGTERM / SIGINT. */
export function servePeer(app: { fetch(request: Request): Response | Promise<Response> }, args: {
  host: string;
  port: string;
}) {
  const server = Deno.serve(
    { hostname: args.host, port: Number(args.port), onListen: () => {} },
    app.fetch,
  );
  const url = `http://${args.host}:${(server.addr as Deno.NetAddr).port}`;
  console.log(JSON.stringify({ listening: url }));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => server.shutdown().then(() => Deno.exit(0)));
  }
  return server;
}
