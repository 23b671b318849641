/**
 * In-process indexing and query latency on the synthetic corpus: build time and memory growth
 * (V8 heap plus external buffers) per engine, then filtered queries interleaved per query (the engine order rotates from one
 * query to the next) over several rounds after a warm-up round.
 */
import type { CorpusQuery, Passage } from "./corpus.ts";

export type CorpusSearch = (text: string, city: string, limit?: number) => string[];

export interface Engine {
  name: string;
  build: (passages: readonly Passage[]) => { search: CorpusSearch };
}

export interface BuildRow {
  engine: string;
  buildMs: number;
  /** Growth of heapUsed + external (typed arrays) after a full GC; undefined without a forced GC. */
  heapMB?: number;
}

export interface LatencyRow {
  engine: string;
  medianMs: number;
  p99Ms: number;
  meanHits: number;
  /** Per-round medians, to show how stable the median is. */
  roundMedians: number[];
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  if (!gc) return undefined;
  gc();
  gc();
  const { heapUsed, external } = Deno.memoryUsage();
  return heapUsed + external;
};

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** Builds every engine in turn, keeping each index alive, and records time and heap growth. */
export function buildAll(engines: readonly Engine[], passages: readonly Passage[]) {
  const searches: CorpusSearch[] = [];
  const rows: BuildRow[] = [];
  for (const e of engines) {
    const before = heapAfterGc();
    const t0 = performance.now();
    const built = e.build(passages);
    const buildMs = performance.now() - t0;
    const after = heapAfterGc();
    searches.push(built.search);
    rows.push({
      engine: e.name,
      buildMs,
      heapMB: before === undefined || after === undefined ? undefined : (after - before) / 2 ** 20,
    });
  }
  return { searches, rows };
}

/**
 * Times each engine's `search(query, city)` per query; round 0 is a warm-up. Checks that every
 * returned id belongs to a passage of the filter city.
 */
export function timeQueries(
  names: readonly string[],
  searches: readonly CorpusSearch[],
  queries: readonly CorpusQuery[],
  cityOf: ReadonlyMap<string, string>,
  rounds: number,
): LatencyRow[] {
  const samples = searches.map(() => [] as number[]);
  const perRound = searches.map(() => [] as number[][]);
  const hits = searches.map(() => 0);
  for (let round = 0; round <= rounds; round++) {
    const thisRound = searches.map(() => [] as number[]);
    for (let q = 0; q < queries.length; q++) {
      const { text, city } = queries[q];
      for (let k = 0; k < searches.length; k++) {
        const e = (q + round + k) % searches.length;
        const t0 = performance.now();
        const ids = searches[e](text, city, 10);
        const ms = performance.now() - t0;
        if (round === 0) {
          hits[e] += ids.length;
          const wrong = ids.find((id) => cityOf.get(id) !== city);
          if (wrong) throw new Error(`${names[e]} returned ${wrong} outside the ${city} filter`);
        } else thisRound[e].push(ms);
      }
    }
    if (round > 0) thisRound.forEach((s, e) => (samples[e].push(...s), perRound[e].push(s)));
  }
  return names.map((engine, e) => {
    const sorted = samples[e].sort((a, b) => a - b);
    return {
      engine,
      medianMs: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      meanHits: hits[e] / queries.length,
      roundMedians: perRound[e].map((s) => quantile(s.sort((a, b) => a - b), 0.5)),
    };
  });
}
