/**
 * Runs a part of a version's training (`train_job.ts`) in a worker of its own: training takes
 * minutes of CPU, and the embedded default's gateway shares this process's event loop. The
 * worker ends with its job.
 *
 * @example
 * ```ts
 * const served = await trainInWorker("served", { mode: "FULL", data }, (f, stage) => report(f, stage));
 * ```
 */
import type {
  EvaluationOutput,
  ServedModelOutput,
  TrainJobInput,
  TrainJobPart,
} from "./train_job.ts";

type Message<T> =
  | { type: "progress"; fraction: number; stage: string }
  | { type: "done"; output: T }
  | { type: "failed"; message: string };

export function trainInWorker(
  part: "served",
  input: TrainJobInput,
  onProgress?: (fraction: number, stage: string) => void,
): Promise<ServedModelOutput>;
export function trainInWorker(
  part: "evaluation",
  input: TrainJobInput,
  onProgress?: (fraction: number, stage: string) => void,
): Promise<EvaluationOutput>;
export function trainInWorker(
  part: TrainJobPart,
  input: TrainJobInput,
  onProgress: (fraction: number, stage: string) => void = () => {},
): Promise<ServedModelOutput | EvaluationOutput> {
  const worker = new Worker(new URL("./train_worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<Message<ServedModelOutput | EvaluationOutput>>) => {
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
    worker.postMessage({ part, input });
  });
}
