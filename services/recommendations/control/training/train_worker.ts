/**
 * A worker a solution version trains in: one message in (a part and its `TrainJobInput`),
 * progress messages out, then the result (or the error) and the worker is done.
 */
/// <reference lib="deno.worker" />
import { runTrainJobPart, type TrainJobInput, type TrainJobPart } from "./train_job.ts";

self.onmessage = (event: MessageEvent<{ part: TrainJobPart; input: TrainJobInput }>) => {
  try {
    const output = runTrainJobPart(
      event.data.part,
      event.data.input,
      (fraction, stage) => self.postMessage({ type: "progress", fraction, stage }),
    );
    self.postMessage({ type: "done", output });
  } catch (err) {
    self.postMessage({ type: "failed", message: (err as Error).message ?? String(err) });
  }
};
