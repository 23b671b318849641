/**
 * The one load generator every benchmark target is measured with: `wrk -t1` (C, one thread,
 * the cheapest per request on a small machine; the reference numbers were taken with
 * it) or, when wrk is missing, the closed-loop Deno client `loadtests/http_load.ts`. Both hold
 * `connections` keep-alive HTTP/1.1 connections, each sending its next request when the last
 * response arrived. Any unexpected status or socket error fails the measurement loudly.
 */
import { join } from "node:path";
import { runLoad } from "@edgeml/loadtests";
import { cpuSeconds, reapedChildrenCpuSeconds } from "./cpu_usage.ts";

export interface LoadRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Every response must have this status (200 for inference, 404 for the route floor). */
  expectStatus: number;
}

export interface Measurement {
  requests: number;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** CPU seconds the load generator itself used. */
  generatorCpuSeconds: number;
}

export interface LoadGenerator {
  /** `wrk` or `http_load`. */
  kind: "wrk" | "http_load";
  /** For the report, e.g. "wrk 4.1.0 -t1 (C)". */
  description: string;
  measure(request: LoadRequest, connections: number, durationMs: number): Promise<Measurement>;
  close(): Promise<void>;
}

export class LoadFailure extends Error {
  override name = "LoadFailure";
}

const WRK_SCRIPT = new URL("./wrk_request.lua", import.meta.url).pathname;

/** wrk's version line, or undefined when wrk is not on the PATH. */
export async function wrkVersion(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("wrk", {
      args: ["--version"],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return /^wrk\s+(\S+)/m.exec(text)?.[1] ?? "unknown version";
  } catch {
    return undefined;
  }
}

export async function createWrkGenerator(version: string): Promise<LoadGenerator> {
  const dir = await Deno.makeTempDir({ prefix: "edgeml-bench-wrk-" });
  const bodies = new Map<Uint8Array, string>();
  const bodyFile = async (body: Uint8Array) => {
    let file = bodies.get(body);
    if (!file) {
      file = join(dir, `body-${bodies.size}.bin`);
      await Deno.writeFile(file, body);
      bodies.set(body, file);
    }
    return file;
  };
  return {
    kind: "wrk",
    description:
      `wrk ${version} -t1 (one C thread), Lua script \`gpu-workers/bench/wrk_request.lua\``,
    async measure(request, connections, durationMs) {
      if (durationMs % 1000 !== 0) {
        throw new LoadFailure(`wrk takes whole seconds; --duration-ms ${durationMs} is not one`);
      }
      const cpuBefore = reapedChildrenCpuSeconds();
      const out = await new Deno.Command("wrk", {
        args: [
          "-t1",
          `-c${connections}`,
          `-d${durationMs / 1000}s`,
          "--timeout=5s",
          "--latency",
          `--script=${WRK_SCRIPT}`,
          request.url,
        ],
        env: {
          WRK_METHOD: request.method,
          WRK_BODY_FILE: request.body ? await bodyFile(request.body) : "",
          WRK_HEADERS: Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join("\n"),
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const generatorCpuSeconds = reapedChildrenCpuSeconds() - cpuBefore;
      const text = new TextDecoder().decode(out.stdout);
      const where = `wrk -c${connections} ${request.method} ${request.url}`;
      if (!out.success) {
        throw new LoadFailure(
          `${where} exited with ${out.code}: ${new TextDecoder().decode(out.stderr)}${text}`,
        );
      }
      const line = /^WRK_RESULT (\{.*\})$/m.exec(text);
      if (!line) throw new LoadFailure(`${where}: no result line in\n${text}`);
      const r = JSON.parse(line[1]) as Record<string, number>;
      const socketErrors = r.connect + r.read + r.write + r.timeout;
      // wrk counts statuses above 399 in `status` ("Non-2xx or 3xx responses").
      const unexpected = request.expectStatus < 400 ? r.status : r.requests - r.status;
      const textSays = /Socket errors:/.test(text) ||
        (request.expectStatus < 400 && /Non-2xx or 3xx responses/.test(text));
      if (socketErrors > 0 || unexpected > 0 || textSays || r.requests === 0) {
        throw new LoadFailure(
          `${where}: ${r.requests} requests, ${unexpected} with a status other than ` +
            `${request.expectStatus}, socket errors connect ${r.connect} read ${r.read} write ` +
            `${r.write} timeout ${r.timeout}\n${text}`,
        );
      }
      const durationSeconds = r.duration_us / 1e6;
      return {
        requests: r.requests,
        durationMs: durationSeconds * 1000,
        rps: r.requests / durationSeconds,
        p50Ms: r.p50_us / 1000,
        p99Ms: r.p99_us / 1000,
        meanMs: r.mean_us / 1000,
        generatorCpuSeconds,
      };
    },
    async close() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

export function createHttpLoadGenerator(): LoadGenerator {
  return {
    kind: "http_load",
    description: "`loadtests/http_load.ts` (closed-loop Deno client, in the benchmark process)",
    async measure(request, connections, durationMs) {
      const cpuBefore = cpuSeconds(Deno.pid);
      const result = await runLoad({
        url: request.url,
        method: request.method,
        headers: request.headers,
        body: request.body,
        connections,
        durationMs,
        allowFailures: true,
      });
      const generatorCpuSeconds = cpuSeconds(Deno.pid) - cpuBefore;
      // non2xx counts warm-up responses too: with a 404 expected, every response must be one.
      const unexpected = request.expectStatus === 200 ? result.non2xx : 0;
      const missing = request.expectStatus !== 200 && result.non2xx < result.requests;
      if (result.errors > 0 || unexpected > 0 || missing || result.requests === 0) {
        throw new LoadFailure(
          `http_load -c${connections} ${request.method} ${request.url}: ${result.requests} ` +
            `measured, ${result.errors} connection errors, ${result.non2xx} non-2xx ` +
            `(expected ${request.expectStatus}): ${result.firstFailure ?? ""}`,
        );
      }
      return {
        requests: result.requests,
        durationMs: result.durationMs,
        rps: result.rps,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        meanMs: result.meanMs,
        generatorCpuSeconds,
      };
    },
    close: () => Promise.resolve(),
  };
}
