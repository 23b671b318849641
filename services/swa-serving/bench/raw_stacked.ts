/**
 * The stacked graph vs S separate graphs in raw in-process ONNX Runtime, no HTTP and no pool:
 * one `run()` of the stacked graph vs S `run()`s (one per separate session, sent at once), one
 * row each, back to back. What remains of the difference here is ORT's per-run cost (feeds,
 * thread hand-off, output allocation), paid S times vs once.
 */
import * as ort from "onnxruntime-node";

export interface RawStackedResult {
  stackedMs: number;
  separateMs: number;
}

// The workers' session options (gpu-workers/device/session_factory.ts), CPU.
const create = (bytes: Uint8Array) =>
  ort.InferenceSession.create(bytes, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });

async function medianMs(fn: () => Promise<unknown>, durationMs: number): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  const times: number[] = [];
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Median latency of one row through the stacked graph and through all separate graphs. */
export async function measureRawStacked(
  stacked: Uint8Array,
  separate: readonly Uint8Array[],
  row: Float32Array,
  durationMs = 2000,
): Promise<RawStackedResult> {
  const one = await create(stacked);
  const many = await Promise.all(separate.map(create));
  try {
    const feeds = (s: ort.InferenceSession) => ({
      [s.inputNames[0]]: new ort.Tensor("float32", row, [1, row.length]),
    });
    const stackedMs = await medianMs(() => one.run(feeds(one)), durationMs);
    const separateMs = await medianMs(
      () => Promise.all(many.map((s) => s.run(feeds(s)))),
      durationMs,
    );
    return { stackedMs, separateMs };
  } finally {
    await Promise.all([one, ...many].map((s) => s.release()));
  }
}
