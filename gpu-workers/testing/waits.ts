/**
 * Bounded waits on observable state for the pool's integration tests: a promise the code under
 * test resolves, the pool's worker table, or its Prometheus metrics. None of them sleeps.
 */
import type { OipClient } from "../client/oip_client.ts";
import type { Pool } from "../pool/pool.ts";

/** Settles as `promise` does, or rejects once `ms` have passed; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

type Workers = ReturnType<Pool["workers"]>;

/** Waits until the pool's worker table satisfies `done`, re-checking at each change of it. */
export async function untilWorkers(
  pool: Pool,
  done: (workers: Workers) => boolean,
  { timeoutMs = 20_000, what = "the pool's workers" } = {},
): Promise<Workers> {
  const deadline = Date.now() + timeoutMs;
  while (!done(pool.workers())) {
    await within(pool.workersChanged(), Math.max(1, deadline - Date.now()), what);
  }
  return pool.workers();
}

/** The value of `name{model="<model>",version="<version>"…}` in a metrics text; 0 when absent. */
export function metricValue(text: string, name: string, model: string, version = "1"): number {
  const prefix = `${name}{model="${model}",version="${version}"`;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line ? Number(line.split(" ").pop()) : 0;
}

/**
 * Re-reads `/metrics` until `done(text)` holds and returns that text. Each read is a round trip
 * through the server, so the pool keeps running in between.
 */
export async function untilMetrics(
  client: OipClient,
  done: (text: string) => boolean,
  { timeoutMs = 20_000, what = "a metrics condition" } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await client.metrics();
    if (done(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
  }
}

/** A process is gone once /proc has no entry for it, or only a zombie's (Linux). */
export function processGone(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/**
 * Waits until every pid is gone. There is no event for the exit of a process that is not our
 * child, so this re-reads /proc every `intervalMs`, up to `timeoutMs` in all.
 */
export async function untilProcessesGone(
  pids: readonly number[],
  { timeoutMs = 20_000, intervalMs = 25 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((pid) => !processGone(pid));
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`processes ${alive.join(", ")} still run after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
