import assert from "node:assert/strict";
import type { SwaJob } from "@edgeml/shared/contracts/swa";
import { SwaJobError } from "./swa_api_error.ts";
import { pollJob } from "./wait_for_job.ts";

const job = (status: SwaJob["status"], fraction: number, stage: string): SwaJob => ({
  jobId: "job-1",
  model: "mlp",
  version: 2,
  status,
  progress: { fraction, stage },
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
});

/** A job that goes through `states`, one per read, staying at the last. */
function scripted(states: SwaJob[]) {
  const reads: string[] = [];
  const getJob = (jobId: string) => {
    reads.push(jobId);
    return Promise.resolve(states[Math.min(reads.length - 1, states.length - 1)]);
  };
  return { getJob, reads };
}

Deno.test("resolves with the ACTIVE job after reporting every state read", async () => {
  const states = [
    job("PENDING", 0, "queued"),
    job("IN_PROGRESS", 0.5, "recalibrating BatchNorm"),
    job("ACTIVE", 1, "live"),
  ];
  const { getJob, reads } = scripted(states);
  const seen: string[] = [];
  const done = await pollJob(getJob, "job-1", {
    intervalMs: 1,
    onProgress: (j) => seen.push(`${j.status} ${j.progress.fraction}`),
  });
  assert.equal(done.status, "ACTIVE");
  assert.deepEqual(reads, ["job-1", "job-1", "job-1"]);
  assert.deepEqual(seen, ["PENDING 0", "IN_PROGRESS 0.5", "ACTIVE 1"]);
});

Deno.test("a FAILED job rejects with its failure reason's code and detail", async () => {
  const failed = {
    ...job("FAILED", 0.3, "averaging"),
    failureReason: { code: "non_finite_weights", detail: "NaN in fc1.weight" },
  };
  const { getJob } = scripted([job("IN_PROGRESS", 0.1, "loading"), failed]);
  await assert.rejects(pollJob(getJob, "job-1", { intervalMs: 1 }), (error) => {
    assert.ok(error instanceof SwaJobError);
    assert.equal(error.code, "non_finite_weights");
    assert.equal(error.detail, "NaN in fc1.weight");
    assert.equal(error.job.status, "FAILED");
    return true;
  });
});

Deno.test("gives up after timeoutMs with code job_wait_timeout", async () => {
  const { getJob, reads } = scripted([job("PENDING", 0, "queued")]);
  await assert.rejects(
    pollJob(getJob, "job-1", { intervalMs: 5, timeoutMs: 12 }),
    (error) => error instanceof SwaJobError && error.code === "job_wait_timeout",
  );
  assert.ok(reads.length >= 2 && reads.length <= 4, `${reads.length} reads`);
});

Deno.test("an abort stops the wait with the signal's reason", async () => {
  const { getJob } = scripted([job("PENDING", 0, "queued")]);
  const controller = new AbortController();
  const waiting = pollJob(getJob, "job-1", { intervalMs: 10_000, signal: controller.signal });
  controller.abort(new Error("stopped"));
  await assert.rejects(waiting, /stopped/);
});
