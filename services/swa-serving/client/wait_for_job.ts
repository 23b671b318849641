/**
 * Polls a finalisation job until it is ACTIVE (resolves with it) or FAILED (rejects with a
 * `SwaJobError` carrying the failure's code), reporting each poll's progress on the way.
 */
import type { SwaJob } from "@edgeml/shared/contracts/swa";
import { SwaJobError } from "./swa_api_error.ts";

export interface WaitForJobOptions {
  /** Called with every job state read, the first and the last included. */
  onProgress?: (job: SwaJob) => void;
  /** Pause between polls (default 500 ms). */
  intervalMs?: number;
  /** Give up after this long (default: never), rejecting with code `job_wait_timeout`. */
  timeoutMs?: number;
  /** Stops waiting, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * @example
 * ```ts
 * const job = await pollJob((id) => client.getJob(id), started.jobId, {
 *   onProgress: (j) => console.error(j.progress.stage),
 * });
 * ```
 */
export async function pollJob(
  getJob: (jobId: string) => Promise<SwaJob>,
  jobId: string,
  { onProgress, intervalMs = 500, timeoutMs = Infinity, signal }: WaitForJobOptions = {},
): Promise<SwaJob> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    signal?.throwIfAborted();
    const job = await getJob(jobId);
    onProgress?.(job);
    if (job.status === "ACTIVE") return job;
    if (job.status === "FAILED") {
      const reason = job.failureReason ?? { code: "job_failed", detail: "the job failed" };
      throw new SwaJobError(reason.code, reason.detail, job);
    }
    if (Date.now() + intervalMs > deadline) {
      throw new SwaJobError(
        "job_wait_timeout",
        `still ${job.status} at ${job.progress.stage} after ${timeoutMs} ms`,
        job,
      );
    }
    await sleep(intervalMs, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}
