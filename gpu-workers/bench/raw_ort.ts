/** Raw in-process ONNX Runtime: back-to-back `run()` calls, the ceiling the pool is held to. */
import type { ExecutionProvider } from "@edgeml/shared/contracts";
import * as ort from "onnxruntime-node";
import { createSessionWithFallback } from "../device/session_factory.ts";
import { sampleRow } from "@edgeml/loadtests/scenario_matrix";

export interface RawResult {
  batch: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  provider: ExecutionProvider;
}

/** One `input` feed of `batch` seeded rows (row r from seed `firstSeed + r`). */
function seededFeeds(width: number, batch: number, firstSeed = 1) {
  const data = new Float32Array(batch * width);
  for (let r = 0; r < batch; r++) data.set(sampleRow(width, firstSeed + r), r * width);
  return { input: new ort.Tensor("float32", data, [batch, width]) };
}

/** Measures one model at several batch sizes with the same session options the workers use. */
export async function measureRawOrt(
  model: Uint8Array,
  width: number,
  batches: readonly number[],
  durationMs: number,
  providers: ExecutionProvider[] = ["cpu"],
): Promise<RawResult[]> {
  const { session, provider } = await createSessionWithFallback(model, providers);
  const results: RawResult[] = [];
  try {
    for (const batch of batches) {
      const feeds = seededFeeds(width, batch);
      for (let i = 0; i < 20; i++) await session.run(feeds);
      const latencies: number[] = [];
      const started = performance.now();
      while (performance.now() - started < durationMs) {
        const t = performance.now();
        await session.run(feeds);
        latencies.push(performance.now() - t);
      }
      const elapsed = performance.now() - started;
      latencies.sort((a, b) => a - b);
      results.push({
        batch,
        rowsPerSecond: (latencies.length * batch) / (elapsed / 1000),
        p50Ms: latencies[Math.floor(latencies.length * 0.5)],
        p99Ms: latencies[Math.floor(latencies.length * 0.99)],
        provider,
      });
    }
  } finally {
    await session.release();
  }
  return results;
}

export interface ProviderAgreement {
  providers: [ExecutionProvider, ExecutionProvider];
  batch: number;
  /** ‖a − b‖ / ‖b‖ over every output element, b being the second provider's. */
  relativeError: number;
  /** Every element of both outputs is finite (a NaN never agrees). */
  finite: boolean;
}

/**
 * Runs the same seeded batch through two providers (CUDA and CPU on a GPU host) and compares the
 * first outputs: proof that the GPU computed the model, not just accepted it.
 */
export async function providerAgreement(
  model: Uint8Array,
  width: number,
  batch: number,
  providers: [ExecutionProvider, ExecutionProvider],
): Promise<ProviderAgreement> {
  const feeds = seededFeeds(width, batch, 1000);
  const outputs: Float32Array[] = [];
  for (const provider of providers) {
    // Strictly this provider: a silent fallback would compare the CPU with itself.
    const { session } = await createSessionWithFallback(model, [provider]);
    try {
      const result = await session.run(feeds);
      outputs.push(result[session.outputNames[0]].data as Float32Array);
    } finally {
      await session.release();
    }
  }
  const [a, b] = outputs;
  let diff = 0;
  let norm = 0;
  let finite = a.length === b.length;
  for (let i = 0; i < b.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) finite = false;
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return { providers, batch, relativeError: Math.sqrt(diff / norm), finite };
}

export interface ShapeCost {
  batch: number;
  /** The first run at this batch size: what a new input shape costs. */
  firstMs: number;
  /** The run right after, same shape. */
  repeatMs: number;
}

/**
 * Times the first and the second run at each batch size, in order, on one session: the gap is
 * what the provider spends per new input shape (cuDNN's algorithm search under CUDA), the cost
 * that padding every CUDA batch to one size avoids.
 */
export async function newShapeCost(
  model: Uint8Array,
  width: number,
  batches: readonly number[],
  provider: ExecutionProvider,
): Promise<ShapeCost[]> {
  const { session } = await createSessionWithFallback(model, [provider]);
  const costs: ShapeCost[] = [];
  try {
    for (const batch of batches) {
      const feeds = seededFeeds(width, batch);
      let t = performance.now();
      await session.run(feeds);
      const firstMs = performance.now() - t;
      t = performance.now();
      await session.run(feeds);
      costs.push({ batch, firstMs, repeatMs: performance.now() - t });
    }
  } finally {
    await session.release();
  }
  return costs;
}

/**
 * Mean time per run when consecutive runs alternate between batch sizes, next to the mean when
 * they repeat one size: whether a provider re-plans on every change of input shape rather than
 * once per shape.
 */
export async function shapeSwitchCost(
  model: Uint8Array,
  width: number,
  batches: readonly number[],
  rounds: number,
  provider: ExecutionProvider,
): Promise<{ batches: readonly number[]; alternatingMs: number; steadyMs: number }> {
  const { session } = await createSessionWithFallback(model, [provider]);
  const feeds = batches.map((batch) => seededFeeds(width, batch));
  try {
    for (const f of feeds) await session.run(f); // every shape seen once before timing
    let t = performance.now();
    for (let i = 0; i < rounds; i++) for (const f of feeds) await session.run(f);
    const alternatingMs = (performance.now() - t) / (rounds * feeds.length);
    t = performance.now();
    for (const f of feeds) for (let i = 0; i < rounds; i++) await session.run(f);
    const steadyMs = (performance.now() - t) / (rounds * feeds.length);
    return { batches, alternatingMs, steadyMs };
  } finally {
    await session.release();
  }
}
