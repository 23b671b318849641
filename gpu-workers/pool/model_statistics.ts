/**
 * Per model version counters for Triton's statistics extension: what `GET /v2/models/stats`
 * reports. The pool records each request and each model execution here; {@link
 * ModelStatistics.snapshot} renders Triton's JSON (`model_stats`, `inference_stats`,
 * `batch_stats`, …). Counting follows Triton's core (`InferenceStatsAggregator`): the `queue` and
 * `compute_*` counts of `inference_stats` are the successful requests, `inference_count` adds a
 * request's batch size, `execution_count` and `batch_stats` count model executions (a dynamic
 * batch of several requests is one), and `last_inference` moves at each execution (and, here,
 * at each successful request too).
 */
import type {
  BatchStatistics,
  DurationStat,
  ModelStatisticsResponse,
  ModelVersionStatistics,
} from "@edgeml/shared/contracts";
import { notFound } from "@edgeml/shared/errors";

/** How long one successful request spent in each phase, in nanoseconds. */
export interface RequestTimings {
  /** From arrival at the model to the start of its execution. */
  queueNs: number;
  /** Preparing the inputs: concatenating a batch, copying it to the worker. */
  computeInputNs: number;
  /** Running the model (the request's batch's run time). */
  computeInferNs: number;
  /** Extracting the outputs: copying them back, splitting the batch. */
  computeOutputNs: number;
  /** End to end, arrival to answer. */
  totalNs: number;
  /**
   * Inferences the request carried: its batch size (dim 0) for a model with `max_batch_size`
   * > 0, else 1. Default 1.
   */
  batchSize?: number;
}

/** How long one model execution spent in each phase, in nanoseconds. */
export interface ExecutionTimings {
  computeInputNs: number;
  computeInferNs: number;
  computeOutputNs: number;
}

export interface ModelStatisticsOptions {
  /** Wall clock for `last_inference`, ms since the epoch (default `Date.now`). */
  now?: () => number;
}

interface Duration {
  count: number;
  ns: number;
}

interface BatchCounters {
  computeInput: Duration;
  computeInfer: Duration;
  computeOutput: Duration;
}

interface VersionCounters {
  lastInferenceMs: number;
  inferenceCount: number;
  executionCount: number;
  successCount: number;
  successNs: number;
  failCount: number;
  failNs: number;
  queueNs: number;
  computeInputNs: number;
  computeInferNs: number;
  computeOutputNs: number;
  batches: Map<number, BatchCounters>;
}

const zero = (): Duration => ({ count: 0, ns: 0 });
/** Nanoseconds as a non-negative integer (clocks give fractions; a skewed one, negatives). */
const ns = (value: number) => (value > 0 && Number.isFinite(value) ? Math.round(value) : 0);
const stat = (count: number, total: number): DurationStat => ({ count, ns: total });

function newCounters(): VersionCounters {
  return {
    lastInferenceMs: 0,
    inferenceCount: 0,
    executionCount: 0,
    successCount: 0,
    successNs: 0,
    failCount: 0,
    failNs: 0,
    queueNs: 0,
    computeInputNs: 0,
    computeInferNs: 0,
    computeOutputNs: 0,
    batches: new Map(),
  };
}

/** Versions in numeric order where they are numbers (Triton's are), else by text. */
function byVersion(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Statistics of every model version the pool serves, keyed by (model, version).
 *
 * A version is listed from {@link add} (or its first record) until {@link remove}. The pool
 * calls `add` when a version starts serving and `remove` once it is unloaded and its queue has
 * drained; a reload that keeps a version number keeps its counters (do not `remove` a version
 * the reload still serves).
 *
 * @example
 * ```ts
 * const stats = new ModelStatistics();
 * stats.add("resnet", 1);
 * stats.recordExecution("resnet", 1, 8, { computeInputNs: 2e4, computeInferNs: 3e6, computeOutputNs: 1e4 });
 * stats.recordSuccess("resnet", 1, { queueNs: 5e5, computeInputNs: 2e4, computeInferNs: 3e6,
 *   computeOutputNs: 1e4, totalNs: 3.6e6, batchSize: 8 });
 * stats.snapshot("resnet"); // { model_stats: [{ name: "resnet", version: "1", inference_count: 8, … }] }
 * ```
 */
export class ModelStatistics {
  #models = new Map<string, Map<string, VersionCounters>>();
  #now: () => number;

  constructor({ now = Date.now }: ModelStatisticsOptions = {}) {
    this.#now = now;
  }

  /** Lists a version (with zero counts until it serves); keeps its counters if already listed. */
  add(model: string, version: string | number): void {
    this.#counters(model, String(version));
  }

  /** A request answered successfully. */
  recordSuccess(model: string, version: string | number, timings: RequestTimings): void {
    const c = this.#counters(model, String(version));
    const batchSize = timings.batchSize ?? 1;
    c.inferenceCount += Number.isInteger(batchSize) && batchSize > 0 ? batchSize : 1;
    c.lastInferenceMs = Math.max(c.lastInferenceMs, Math.floor(this.#now()));
    c.successCount++;
    c.successNs += ns(timings.totalNs);
    c.queueNs += ns(timings.queueNs);
    c.computeInputNs += ns(timings.computeInputNs);
    c.computeInferNs += ns(timings.computeInferNs);
    c.computeOutputNs += ns(timings.computeOutputNs);
  }

  /** A request that reached the model version and failed (timed out in its queue, run failed…). */
  recordFailure(model: string, version: string | number, totalNs: number): void {
    const c = this.#counters(model, String(version));
    c.failCount++;
    c.failNs += ns(totalNs);
  }

  /** One model execution of `batchSize` rows (one or more requests batched together). */
  recordExecution(
    model: string,
    version: string | number,
    batchSize: number,
    timings: ExecutionTimings,
  ): void {
    const c = this.#counters(model, String(version));
    c.executionCount++;
    c.lastInferenceMs = Math.max(c.lastInferenceMs, Math.floor(this.#now()));
    const size = Number.isInteger(batchSize) && batchSize > 0 ? batchSize : 1;
    let batch = c.batches.get(size);
    if (!batch) {
      batch = { computeInput: zero(), computeInfer: zero(), computeOutput: zero() };
      c.batches.set(size, batch);
    }
    add(batch.computeInput, timings.computeInputNs);
    add(batch.computeInfer, timings.computeInferNs);
    add(batch.computeOutput, timings.computeOutputNs);
  }

  /** Forgets one version, or every version of the model when `version` is absent. */
  remove(model: string, version?: string | number): void {
    if (version === undefined) {
      this.#models.delete(model);
      return;
    }
    const versions = this.#models.get(model);
    versions?.delete(String(version));
    if (versions?.size === 0) this.#models.delete(model);
  }

  /** Whether a model (version) is listed. */
  has(model: string, version?: string | number): boolean {
    const versions = this.#models.get(model);
    return version === undefined ? versions !== undefined : versions?.has(String(version)) === true;
  }

  /**
   * Triton's statistics JSON: every listed version of every model (none given), of one model,
   * or one version. A model or version that is not listed is a `not_found` error (Triton: 400
   * "requested model '…' is not available").
   */
  snapshot(model?: string, version?: string | number): ModelStatisticsResponse {
    if (model === undefined) {
      const names = [...this.#models.keys()].sort();
      return {
        model_stats: names.flatMap((name) => this.#render(name, this.#models.get(name)!)),
      };
    }
    const versions = this.#models.get(model);
    if (!versions) {
      throw notFound("model_not_found", `requested model '${model}' is not available`);
    }
    if (version === undefined) return { model_stats: this.#render(model, versions) };
    const counters = versions.get(String(version));
    if (!counters) {
      throw notFound(
        "version_not_found",
        `requested model version '${version}' is not available for model '${model}'`,
      );
    }
    return { model_stats: [render(model, String(version), counters)] };
  }

  #render(model: string, versions: Map<string, VersionCounters>): ModelVersionStatistics[] {
    return [...versions.keys()].sort(byVersion).map((v) => render(model, v, versions.get(v)!));
  }

  #counters(model: string, version: string): VersionCounters {
    let versions = this.#models.get(model);
    if (!versions) {
      versions = new Map();
      this.#models.set(model, versions);
    }
    let counters = versions.get(version);
    if (!counters) {
      counters = newCounters();
      versions.set(version, counters);
    }
    return counters;
  }
}

function add(duration: Duration, value: number) {
  duration.count++;
  duration.ns += ns(value);
}

function render(name: string, version: string, c: VersionCounters): ModelVersionStatistics {
  const batch_stats: BatchStatistics[] = [...c.batches.entries()]
    .sort(([a], [b]) => a - b)
    .map(([batch_size, b]) => ({
      batch_size,
      compute_input: { ...b.computeInput },
      compute_infer: { ...b.computeInfer },
      compute_output: { ...b.computeOutput },
    }));
  return {
    name,
    version,
    last_inference: c.lastInferenceMs,
    inference_count: c.inferenceCount,
    execution_count: c.executionCount,
    inference_stats: {
      success: stat(c.successCount, c.successNs),
      fail: stat(c.failCount, c.failNs),
      queue: stat(c.successCount, c.queueNs),
      compute_input: stat(c.successCount, c.computeInputNs),
      compute_infer: stat(c.successCount, c.computeInferNs),
      compute_output: stat(c.successCount, c.computeOutputNs),
      cache_hit: stat(0, 0),
      cache_miss: stat(0, 0),
    },
    response_stats: {},
    batch_stats,
    memory_usage: [],
  };
}
