/**
 * A closed-loop HTTP/1.1 load generator on raw keep-alive sockets: each connection sends one
 * request, reads the whole response (`Content-Length` or `Transfer-Encoding: chunked`), records
 * its latency (µs precision), and repeats.
 *
 * Written here rather than taken from autocannon because the worker targets are sub-millisecond
 * (autocannon reports whole milliseconds) and the generator shares two cores with the server,
 * so it must cost as little CPU per request as possible.
 *
 * A run with any failed request (a non-2xx status, a broken or unreadable response) or with no
 * measured request at all is an error: {@link runLoad} throws a {@link LoadError} and the CLI
 * exits with status 1, so a benchmark never reports a silent zero.
 */

export interface LoadScenario {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  connections: number;
  durationMs: number;
  /** Requests each connection sends before measuring starts (default 5). */
  warmupRequests?: number;
  /**
   * Least time given to the warm-up (default 200 ms). Measuring starts once every connection
   * has also sent its warm-up requests, or `warmupMs + max(durationMs, 1 s)` at the latest.
   */
  warmupMs?: number;
  /** Resolve with the result even when requests failed (default: throw a LoadError). */
  allowFailures?: boolean;
}

export interface LoadResult {
  /** Responses received during the measured window. */
  requests: number;
  /** Responses with a status outside 200–299, warm-up included. */
  non2xx: number;
  /** Connections that broke (refused, closed, or a response that could not be read). */
  errors: number;
  /** What went wrong first, when anything did. */
  firstFailure?: string;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** A run with failed requests, or none measured; `result` holds what was measured. */
export class LoadError extends Error {
  constructor(readonly result: LoadResult) {
    super(
      result.requests === 0 && result.errors + result.non2xx === 0
        ? "no request completed during the measured window"
        : `${result.errors} connection errors and ${result.non2xx} non-2xx responses ` +
          `(${result.requests} measured): ${result.firstFailure ?? ""}`,
    );
    this.name = "LoadError";
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CR = 13;
const LF = 10;

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

/** Bytes read from a connection and not yet consumed: `buf[0, len)`. */
export interface ReadBuffer {
  buf: Uint8Array;
  len: number;
}

/** Index of the first CRLF at or after `from` in `buf[0, len)`, or -1. */
function indexOfCrlf(buf: Uint8Array, from: number, len: number): number {
  for (let i = from; i + 1 < len; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

/** Reads until `state.len >= need`, growing the buffer as needed. */
async function fill(conn: Deno.Conn, state: ReadBuffer, need: number) {
  while (state.len < need) {
    if (need > state.buf.byteLength) {
      const grown = new Uint8Array(Math.max(need, state.buf.byteLength * 2));
      grown.set(state.buf.subarray(0, state.len));
      state.buf = grown;
    }
    const n = await conn.read(state.buf.subarray(state.len));
    if (n === null) throw new Error("connection closed by server");
    state.len += n;
  }
}

/** Reads up to and including the next CRLF at or after `from`; returns the CRLF's index. */
async function readLine(conn: Deno.Conn, state: ReadBuffer, from: number): Promise<number> {
  let scanned = from;
  for (;;) {
    const at = indexOfCrlf(state.buf, scanned, state.len);
    if (at >= 0) return at;
    scanned = Math.max(from, state.len - 1);
    await fill(conn, state, state.len + 1);
  }
}

/** Skips a chunked body starting at `from`; returns the index just past it (trailers included). */
async function skipChunked(conn: Deno.Conn, state: ReadBuffer, from: number): Promise<number> {
  let at = from;
  for (;;) {
    const lineEnd = await readLine(conn, state, at);
    const sizeText = decoder.decode(state.buf.subarray(at, lineEnd)).split(";")[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`bad chunk size line '${sizeText}'`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailer fields, each ending in CRLF, then an empty line.
      for (;;) {
        const end = await readLine(conn, state, at);
        const empty = end === at;
        at = end + 2;
        if (empty) return at;
      }
    }
    await fill(conn, state, at + size + 2);
    if (state.buf[at + size] !== CR || state.buf[at + size + 1] !== LF) {
      throw new Error("chunk data not followed by CRLF");
    }
    at += size + 2;
  }
}

export interface ResponseInfo {
  status: number;
  /** The server said `Connection: close`: this connection takes no further request. */
  close: boolean;
}

/**
 * Reads one whole response off the connection and consumes it from `state`, leaving any bytes
 * that follow it. Bodies are framed by `Content-Length` or `Transfer-Encoding: chunked`; a
 * response to HEAD, a 1xx, 204 or 304 has none.
 */
export async function readResponse(
  conn: Deno.Conn,
  state: ReadBuffer,
  { head = false } = {},
): Promise<ResponseInfo> {
  let lineStart = 0;
  let statusLine = "";
  const headers = new Map<string, string>();
  for (;;) {
    const end = await readLine(conn, state, lineStart);
    const line = decoder.decode(state.buf.subarray(lineStart, end));
    lineStart = end + 2;
    if (line === "") break;
    if (!statusLine) {
      statusLine = line;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed header line '${line}'`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`malformed status line '${statusLine}'`);
  const status = Number(match[1]);
  const bodyStart = lineStart;
  let total: number;
  const transferEncoding = headers.get("transfer-encoding")?.toLowerCase();
  if (head || status < 200 || status === 204 || status === 304) {
    total = bodyStart;
  } else if (transferEncoding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/.test(transferEncoding)) {
      throw new Error(`unsupported transfer-encoding '${transferEncoding}'`);
    }
    total = await skipChunked(conn, state, bodyStart);
  } else if (headers.has("content-length")) {
    const length = headers.get("content-length")!;
    if (!/^\d+$/.test(length)) throw new Error(`bad content-length '${length}'`);
    total = bodyStart + Number(length);
    await fill(conn, state, total);
  } else {
    throw new Error("response framed by connection close (no content-length, not chunked)");
  }
  state.buf.copyWithin(0, total, state.len);
  state.len -= total;
  const close = /(^|,)\s*close\s*(,|$)/i.test(headers.get("connection") ?? "");
  return { status, close };
}

function delay(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { done, cancel: () => clearTimeout(timer) };
}

/** Runs the scenario and returns throughput and latency percentiles; see {@link LoadError}. */
export async function runLoad(scenario: LoadScenario): Promise<LoadResult> {
  const url = new URL(scenario.url);
  const request = buildRequest(scenario);
  const head = (scenario.method ?? "").toUpperCase() === "HEAD";
  const connect = () => Deno.connect({ hostname: url.hostname, port: Number(url.port || 80) });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let firstFailure: string | undefined;
  let measuring = false;
  let stop = false;

  const connections = await Promise.all(Array.from({ length: scenario.connections }, connect));
  const warmedUp: Promise<void>[] = [];
  const loops = connections.map(async (first) => {
    let conn = first;
    conn.setNoDelay(true);
    const state: ReadBuffer = { buf: new Uint8Array(64 * 1024), len: 0 };
    let warmup = scenario.warmupRequests ?? 5;
    let warm!: () => void;
    warmedUp.push(new Promise<void>((resolve) => (warm = resolve)));
    if (warmup <= 0) warm();
    try {
      while (!stop) {
        const started = performance.now();
        await conn.write(request);
        const { status, close } = await readResponse(conn, state, { head });
        if (status < 200 || status > 299) {
          non2xx++;
          firstFailure ??= `HTTP ${status} from ${scenario.url}`;
        }
        if (close) {
          conn.close();
          conn = await connect();
          conn.setNoDelay(true);
          state.len = 0;
        }
        if (warmup > 0) {
          if (--warmup === 0) warm();
          continue;
        }
        if (measuring) latencies.push(performance.now() - started);
      }
    } catch (e) {
      errors++;
      firstFailure ??= String((e as Error).message ?? e);
    } finally {
      warm();
      conn.close();
    }
  });
  // Let every connection warm up, then measure for the duration.
  const warmupMs = scenario.warmupMs ?? 200;
  const atLeast = delay(warmupMs);
  const atMost = delay(warmupMs + Math.max(scenario.durationMs, 1000));
  await Promise.race([Promise.all([...warmedUp, atLeast.done]), atMost.done]);
  atLeast.cancel();
  atMost.cancel();
  measuring = true;
  const t0 = performance.now();
  await delay(scenario.durationMs).done;
  measuring = false;
  const elapsed = performance.now() - t0;
  stop = true;
  await Promise.all(loops);

  latencies.sort((a, b) => a - b);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const result: LoadResult = {
    requests: latencies.length,
    non2xx,
    errors,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
    durationMs: elapsed,
    rps: latencies.length / (elapsed / 1000),
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
  };
  if (!scenario.allowFailures && (errors + non2xx > 0 || latencies.length === 0)) {
    throw new LoadError(result);
  }
  return result;
}

/**
 * CLI: `deno run -A loadtests/http_load.ts '<scenario JSON with bodyBase64>'` prints a
 * LoadResult; the exit status is 1 when a request failed or none completed.
 */
if (import.meta.main) {
  const raw = JSON.parse(Deno.args[0]) as Omit<LoadScenario, "body"> & { bodyBase64?: string };
  const body = raw.bodyBase64
    ? Uint8Array.from(atob(raw.bodyBase64), (c) => c.charCodeAt(0))
    : undefined;
  const result = await runLoad({ ...raw, body, allowFailures: true });
  console.log(JSON.stringify(result));
  if (result.errors + result.non2xx > 0 || result.requests === 0) {
    console.error(new LoadError(result).message);
    Deno.exit(1);
  }
}
