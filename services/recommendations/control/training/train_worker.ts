/**
 * The worker a solution version trains in: one message in (`TrainJobInput`), progress messages
 * out, then the result (or the error) and the worker is done.
 */
/// <reference lib="deno.worker" />
import { runTrainJob, type TrainJobInput } from "./train_job.ts";

self.onmessage = (event: MessageEvent<TrainJobInput>) => {
  try {
    const output = runTrainJob(
      event.data,
      (fraction, stage) => self.postMessage({ type: "progress", fraction, stage }),
    );
    self.postMessage({ type: "done", output });
  } catch (err) {
    self.postMessage({ type: "failed", message: (err as Error).message ?? String(err) });
  }
};
