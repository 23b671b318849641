/**
 * A closed-loop HTTP/1.1 load generator on raw keep-alive sockets: each connection sends one
 * request, reads the whole response, records its latency (µs precision), and repeats.
 *
 * Written here rather than taken from autocannon because the worker targets are sub-millisecond
 * (autocannon reports whole milliseconds) and the generator shares two cores with the server,
 * so it must cost as little CPU per request as possible.
 */

export interface LoadScenario {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  connections: number;
  durationMs: number;
  /** Requests sent before measuring starts, per connection. */
  warmupRequests?: number;
}

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

const encoder = new TextEncoder();
const CRLFCRLF = [13, 10, 13, 10];

function buildRequest(scenario: LoadScenario): Uint8Array {
  const url = new URL(scenario.url);
  const body = scenario.body ?? new Uint8Array(0);
  const lines = [
    `${
      scenario.method ?? (body.byteLength ? "POST" : "GET")
    } ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    `content-length: ${body.byteLength}`,
    ...Object.entries(scenario.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
  const request = new Uint8Array(head.byteLength + body.byteLength);
  request.set(head);
  request.set(body, head.byteLength);
  return request;
}

function indexOfHeaderEnd(buffer: Uint8Array, length: number): number {
  outer: for (let i = 0; i + 3 < length; i++) {
    for (let k = 0; k < 4; k++) if (buffer[i + k] !== CRLFCRLF[k]) continue outer;
    return i;
  }
  return -1;
}

/** Reads one response off the connection; returns its status code. */
async function readResponse(conn: Deno.Conn, state: { buf: Uint8Array; len: number }) {
  for (;;) {
    const end = indexOfHeaderEnd(state.buf, state.len);
    if (end >= 0) {
      const head = new TextDecoder().decode(state.buf.subarray(0, end));
      const status = Number(head.slice(9, 12));
      const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!match) throw new Error("response without content-length");
      const total = end + 4 + Number(match[1]);
      while (state.len < total) await fill(conn, state, total);
      state.buf.copyWithin(0, total, state.len);
      state.len -= total;
      return status;
    }
    await fill(conn, state, state.len + 1);
  }
}

async function fill(conn: Deno.Conn, state: { buf: Uint8Array; len: number }, need: number) {
  if (need > state.buf.byteLength) {
    const grown = new Uint8Array(Math.max(need, state.buf.byteLength * 2));
    grown.set(state.buf.subarray(0, state.len));
    state.buf = grown;
  }
  const n = await conn.read(state.buf.subarray(state.len));
  if (n === null) throw new Error("connection closed by server");
  state.len += n;
}

/** Runs the scenario and returns throughput and latency percentiles. */
export async function runLoad(scenario: LoadScenario): Promise<LoadResult> {
  const url = new URL(scenario.url);
  const request = buildRequest(scenario);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let measuring = false;
  let stop = false;

  const connections = await Promise.all(
    Array.from(
      { length: scenario.connections },
      () => Deno.connect({ hostname: url.hostname, port: Number(url.port || 80) }),
    ),
  );
  const loops = connections.map(async (conn) => {
    conn.setNoDelay(true);
    const state = { buf: new Uint8Array(64 * 1024), len: 0 };
    let warmup = scenario.warmupRequests ?? 5;
    while (!stop) {
      const started = performance.now();
      try {
        await conn.write(request);
        const status = await readResponse(conn, state);
        if (warmup > 0) {
          warmup--;
          continue;
        }
        if (!measuring) continue;
        latencies.push(performance.now() - started);
        if (status < 200 || status > 299) non2xx++;
      } catch {
        errors++;
        return;
      }
    }
  });
  // Let every connection warm up, then measure for the duration.
  await new Promise((r) => setTimeout(r, 200));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, scenario.durationMs));
  measuring = false;
  const elapsed = performance.now() - t0;
  stop = true;
  await Promise.all(loops);
  for (const conn of connections) conn.close();

  latencies.sort((a, b) => a - b);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    non2xx,
    errors,
    durationMs: elapsed,
    rps: latencies.length / (elapsed / 1000),
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
  };
}

/** CLI: `deno run -A loadtests/http_load.ts '<scenario JSON with bodyBase64>'` prints a LoadResult. */
if (import.meta.main) {
  const raw = JSON.parse(Deno.args[0]) as Omit<LoadScenario, "body"> & { bodyBase64?: string };
  const body = raw.bodyBase64
    ? Uint8Array.from(atob(raw.bodyBase64), (c) => c.charCodeAt(0))
    : undefined;
  console.log(JSON.stringify(await runLoad({ ...raw, body })));
}
