/**
 * Runs `runTrainJob` in a worker of its own: training takes minutes of CPU, and the embedded
 * default's gateway shares this process's event loop. The worker ends with its job.
 *
 * @example
 * ```ts
 * const output = await trainInWorker({ mode: "FULL", data }, (f, stage) => report(f, stage));
 * ```
 */
import type { TrainJobInput, TrainJobOutput } from "./train_job.ts";

type Message =
  | { type: "progress"; fraction: number; stage: string }
  | { type: "done"; output: TrainJobOutput }
  | { type: "failed"; message: string };

export function trainInWorker(
  input: TrainJobInput,
  onProgress: (fraction: number, stage: string) => void = () => {},
): Promise<TrainJobOutput> {
  const worker = new Worker(new URL("./train_worker.ts", import.meta.url), { type: "module" });
  return new Promise<TrainJobOutput>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<Message>) => {
      if (data.type === "progress") return onProgress(data.fraction, data.stage);
      worker.terminate();
      if (data.type === "done") resolve(data.output);
      else reject(new Error(data.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(input);
  });
}
