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
      const data = new Float32Array(batch * width);
      for (let r = 0; r < batch; r++) data.set(sampleRow(width, r + 1), r * width);
      const feeds = { input: new ort.Tensor("float32", data, [batch, width]) };
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
