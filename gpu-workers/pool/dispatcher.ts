/**
 * Runs one batch of a served version: joins the requests' rows, sends the batch to the least
 * loaded device holding the version, cuts the outputs back per request. A batch lost with its
 * device (a worker process died) or to a hung instance runs once more, elsewhere or after the
 * device is back; a second loss, or a batch whose inputs went with the hung instance, fails
 * with 503.
 */
import type { Tensor } from "@edgeml/shared/contracts";
import { failed, unavailable } from "@edgeml/shared/errors";
import { type Device, DeviceGoneError } from "../device/device.ts";
import { InstanceHungError, InstanceRunError, type RunResult } from "../device/model_instances.ts";
import { concatRows, splitRows, trimRows } from "./batch_tensors.ts";
import type { Job, ServedVersion } from "./served_version.ts";

/** When a request refused for overload, start-up or shutdown may be retried. */
export const RETRY = { retryAfterSeconds: 1 };

export interface DispatchContext {
  /** Resolves at the next change of any device. */
  devicesChanged(): Promise<void>;
  /** How long a lost batch waits for a device to hold its version again. */
  deviceWaitMs: number;
  closed(): boolean;
  onExecuted(served: ServedVersion, jobs: Job[], result: RunResult, dispatchedAt: number): void;
}

export function leastLoaded(served: ServedVersion): Device | undefined {
  let best: Device | undefined;
  let bestLoad = Infinity;
  for (const { device } of served.placements) {
    const healthy = device.healthy(served.key);
    if (!device.live || healthy === 0) continue;
    const load = device.inflight / healthy;
    if (load < bestLoad) {
      best = device;
      bestLoad = load;
    }
  }
  return best;
}

/** Batches the version's devices can take at once right now. */
export function capacity(served: ServedVersion): number {
  let n = 0;
  for (const { device } of served.placements) {
    if (device.live) n += device.healthy(served.key) * device.pipelineDepth;
  }
  return n;
}

function detached(tensors: readonly Tensor[]): boolean {
  return tensors.some((t) => (t.bytes.buffer as ArrayBuffer).detached);
}

export async function executeBatch(
  context: DispatchContext,
  served: ServedVersion,
  jobs: Job[],
): Promise<Tensor[][]> {
  const batched = jobs.length > 1;
  // A lone request fetches only what it asked for; a batch fetches all and filters after.
  const wanted = batched ? undefined : jobs[0].outputs;
  const rows = jobs.reduce((n, j) => n + j.rows, 0);
  const paddedRows = Math.max(rows, served.padBatchesTo);
  let lost: Error | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    // Device threads take the batch's buffers by transfer: a batch's rows are joined into a
    // buffer of its own (so a rerun joins them anew), a lone request's are sent as they are
    // only when its caller handed them over (a request body; it cannot rerun once they went
    // with a hung instance), and copied otherwise.
    // A padded batch is always joined into a buffer of its own.
    const inputs = batched || jobs[0].handedOver || paddedRows > rows
      ? concatRows(jobs.map((j) => j.tensors), paddedRows)
      : jobs[0].tensors.map((t) => ({ ...t, bytes: t.bytes.slice() }));
    if (detached(inputs)) break;
    const device = await waitForDevice(context, served);
    const dispatchedAt = performance.now();
    try {
      const result = await device.run(served.key, inputs, wanted);
      context.onExecuted(served, jobs, result, dispatchedAt);
      const outputs = paddedRows === rows ? result.outputs : trimRows(result.outputs, rows);
      const split = batched ? splitRows(outputs, jobs.map((j) => j.rows)) : [outputs];
      return split.map((perJob, i) => {
        const asked = jobs[i].outputs;
        return asked ? perJob.filter((t) => asked.includes(t.name)) : perJob;
      });
    } catch (e) {
      if (e instanceof DeviceGoneError || e instanceof InstanceHungError) {
        lost = e;
        continue;
      }
      if (e instanceof InstanceRunError) {
        // Inputs were validated against the model's signature: a run that still fails is ours.
        throw failed(
          "inference_failed",
          `${served.name} v${served.version} failed to run: ${e.message}`,
        );
      }
      throw e;
    }
  }
  throw unavailable(
    lost instanceof InstanceHungError ? "instance_hung" : "worker_unavailable",
    `${served.name} v${served.version}: ${lost?.message ?? "no device holds it"}`,
    RETRY,
  );
}

async function waitForDevice(context: DispatchContext, served: ServedVersion): Promise<Device> {
  const deadline = performance.now() + context.deviceWaitMs;
  for (;;) {
    const device = leastLoaded(served);
    if (device) return device;
    const left = deadline - performance.now();
    if (left <= 0 || context.closed()) {
      throw unavailable("worker_unavailable", `no live device holds '${served.name}'`, RETRY);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      context.devicesChanged(),
      new Promise((resolve) => (timer = setTimeout(resolve, left))),
    ]);
    clearTimeout(timer);
  }
}
