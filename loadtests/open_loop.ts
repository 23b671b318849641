/**
 * An open-loop, fixed-rate HTTP load generator. Request i is due at start + i / rate, whether
 * or not earlier ones have answered (as many in flight as the server lets pile up), and its
 * latency is measured from that *scheduled* time, so a late send or a queue in the server counts
 * (no coordinated omission). One request may be several HTTP calls sent at once (`calls`); it
 * is done when all of them are.
 *
 * Run as a script it is the benchmark's generator process (its own event loop, apart from the
 * server's and the benchmark's): it reads one {@link OpenLoopPlan} per stdin line and writes one
 * {@link OpenLoopResult} per stdout line. See `open_loop_process.ts`.
 */

export interface OpenLoopCall {
  url: string;
  /** A JSON body, POSTed. */
  body: string;
  headers?: Record<string, string>;
}

export interface OpenLoopPlan {
  /** Requests per second. */
  rate: number;
  /** Measured window: requests due in [warmupMs, warmupMs + durationMs) count. */
  durationMs: number;
  warmupMs: number;
  calls: OpenLoopCall[];
  /** How long to wait for stragglers after the last send (default 30 s); late ones are errors. */
  drainMs?: number;
  /** Request i sends only `calls[i % calls.length]` (varied bodies) instead of all of them. */
  rotate?: boolean;
}

export interface OpenLoopResult {
  /** Measured requests sent, and those that answered 2xx in full. */
  sent: number;
  ok: number;
  errors: number;
  firstError?: string;
  /** Measured requests completed per second, from the window's start to the last answer. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxInFlight: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function send(call: OpenLoopCall): Promise<void> {
  const response = await fetch(call.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...call.headers },
    body: call.body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 200)}`);
}

export async function runOpenLoop(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const { rate, durationMs, warmupMs, calls, drainMs = 30_000, rotate = false } = plan;
  if (!(rate > 0) || !(durationMs > 0) || calls.length === 0) {
    throw new Error("open loop: rate, durationMs and calls are required");
  }
  const interval = 1000 / rate;
  const total = Math.ceil(((warmupMs + durationMs) * rate) / 1000);
  const start = performance.now() + 5;
  const measureFrom = start + warmupMs;
  const latencies: number[] = [];
  let sent = 0, ok = 0, errors = 0, inFlight = 0, maxInFlight = 0, lastDone = measureFrom;
  let firstError: string | undefined;
  const pending = new Set<Promise<void>>();

  let fired = 0;
  const fire = (scheduled: number) => {
    const batch = rotate ? [calls[fired % calls.length]] : calls;
    fired++;
    const measured = scheduled >= measureFrom;
    if (measured) sent++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const request = Promise.all(batch.map(send)).then(
      () => {
        const done = performance.now();
        if (!measured) return;
        ok++;
        latencies.push(done - scheduled);
        lastDone = Math.max(lastDone, done);
      },
      (e) => {
        if (!measured) return;
        errors++;
        firstError ??= String(e?.message ?? e);
      },
    ).finally(() => {
      inFlight--;
      pending.delete(request);
    });
    pending.add(request);
  };

  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) fire(start + next++ * interval);
    if (next < total) {
      const wait = start + next * interval - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drained = await Promise.race([
    Promise.all([...pending]).then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), drainMs))),
  ]);
  clearTimeout(timer);
  if (!drained) {
    errors += sent - ok - errors;
    firstError ??= `requests still unanswered ${drainMs} ms after the last send`;
  }
  latencies.sort((a, b) => a - b);
  return {
    sent,
    ok,
    errors,
    ...(firstError ? { firstError } : {}),
    throughput: ok / ((lastDone - measureFrom) / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxInFlight,
  };
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let buffered = "";
  for await (const chunk of lines) {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const answer = await runOpenLoop(JSON.parse(line)).catch((e) => ({
        failed: String(e?.message ?? e),
      }));
      await Deno.stdout.write(encoder.encode(JSON.stringify(answer) + "\n"));
    }
  }
}
