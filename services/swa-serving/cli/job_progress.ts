/** Waits for a finalisation job with a progress bar on stderr (fraction and stage). */
import type { SwaClient, SwaJob } from "../client/swa_client.ts";
import type { CliOutput } from "./cli_io.ts";
import { createProgressBar } from "./progress_bar.ts";

export async function waitWithProgressBar(
  client: SwaClient,
  jobId: string,
  stderr: CliOutput,
): Promise<SwaJob> {
  const bar = createProgressBar(stderr);
  try {
    return await client.waitForJob(jobId, {
      onProgress: (job) =>
        bar.step(job.progress.fraction, `${job.status.toLowerCase()}: ${job.progress.stage}`),
    });
  } finally {
    bar.done();
  }
}
