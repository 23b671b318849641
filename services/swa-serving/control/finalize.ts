/**
 * Finalising a version, as a job: from the chosen runs' running state, build
 *
 *   - the SWA model: the first run's average with BatchNorm recalibrated (update_bn);
 *   - the last raw checkpoint of the first run, for comparison;
 *   - per run, S SWAG draws, each BN-recalibrated, stacked into one graph that runs all S
 *     weight sets in one execution (`stacked_graph.ts`);
 *
 * store them as artifacts, load them into the worker pool next to the live version, and only
 * when every one serves, make the version live. Everything a caller can get wrong (runs,
 * sample count, covariance rank, calibration data, architectures across runs, Dropout mode) is
 * checked before the job starts and refused at once; a job that fails later leaves the previous
 * live version serving and the run state untouched.
 */
import type { FinalizeRequest, SwaJob } from "@edgeml/shared/contracts/swa";
import { conflict, DomainError, notFound, unprocessable } from "@edgeml/shared/errors";
import type { Logger } from "@edgeml/shared/http";
import { encodeModel, type onnx } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import {
  assertSameArchitecture,
  averageToModel,
  sampleMultiSwag,
  swagParametersToModel,
} from "@edgeml/shared/swa";
import type { z } from "zod";
import { calibrationRows } from "../domain/calibration.ts";
import {
  getModel,
  listVersions,
  type ModelRecord,
  putJob,
  putVersion,
  servedModelNames,
  updateModel,
  type VersionRecord,
} from "../domain/catalog.ts";
import { checkSignature } from "../domain/graph_signature.ts";
import { createKeyedQueue } from "@edgeml/shared/store";
import { listRuns, loadRunState, type RunState } from "../domain/run_state.ts";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { servingGraph } from "./serving_graph.ts";
import { applyServingSet, versionArtifact } from "./serving_set.ts";
import { stackSamples } from "./stacked_graph.ts";
import { swagModels } from "./swag_models.ts";
import { updateBn } from "./update_bn.ts";

export type FinalizeOptions = z.output<typeof FinalizeRequest>;

export interface FinalizeDeps {
  stores: TenantStores;
  publisher: ModelPublisher;
  logger?: Logger;
  /** The largest S a finalisation may ask for. */
  maxSamples: number;
  /** Called with each job's promise, so a shutdown can wait for it. */
  track(job: Promise<unknown>): void;
}

/** What a job needs, all checked before it starts. */
interface Plan {
  model: ModelRecord;
  version: VersionRecord;
  job: SwaJob;
  states: RunState[];
  calibration?: Float32Array;
  options: FinalizeOptions;
}

/** Earlier live versions remembered for rollback (the record must stay well under 64 KiB). */
export const LIVE_HISTORY = 100;

const hasOp = (model: onnx.IModelProto, op: string) =>
  (model.graph?.node ?? []).some((n) => n.opType === op);

async function plan(
  deps: FinalizeDeps,
  name: string,
  options: FinalizeOptions,
): Promise<Omit<Plan, "version" | "job"> & { runs: string[] }> {
  const { stores } = deps;
  const model = await getModel(stores.kv, name);
  if (options.samples > deps.maxSamples) {
    throw unprocessable(
      "too_many_samples",
      `S = ${options.samples} is above this deployment's maximum of ${deps.maxSamples} (SWA_MAX_SAMPLES)`,
      { extra: { maximum: deps.maxSamples } },
    );
  }
  const known = await listRuns(stores, name);
  if (known.length === 0) {
    throw conflict("no_checkpoints", `model '${name}' has no checkpoints yet; upload some first`);
  }
  const runs = options.runs ?? known.map((r) => r.run);
  if (new Set(runs).size !== runs.length) {
    throw unprocessable("duplicate_runs", "each run may be named once");
  }
  const states: RunState[] = [];
  for (const run of runs) {
    const state = await loadRunState(stores, name, run);
    if (!state) throw notFound("run_not_found", `model '${name}' has no run '${run}'`);
    states.push(state);
  }
  const reference = states[0].average.latest!;
  states.forEach((s, i) => {
    if (i > 0) assertSameArchitecture(reference, s.average.latest!, `run '${runs[i]}'`);
  });
  if (options.covariance) {
    const thin = states.findIndex((s) => s.swag.maxRows < 2 || s.swag.deviations.length < 2);
    if (thin >= 0) {
      throw unprocessable(
        "covariance_needs_k",
        `run '${runs[thin]}' holds ${
          states[thin].swag.deviations.length
        } SWAG deviation rows (K = ${model.swagRank}); the low-rank covariance needs 2 or more: upload more checkpoints or finalise with covariance: false`,
      );
    }
  }
  const calibration = await calibrationRows(stores, model, options);
  if (hasOp(reference.model, "BatchNormalization") && !calibration) {
    throw unprocessable(
      "calibration_required",
      "the model has BatchNormalization layers: give calibration rows (or a calibrationSet) to recompute their statistics, as update_bn does",
    );
  }
  if (options.dropout === "training" && !hasOp(reference.model, "Dropout")) {
    throw unprocessable(
      "no_dropout_nodes",
      'dropout: "training" needs Dropout nodes in the checkpoint, and this export has none (an eval-mode torch.onnx.export drops them); export with the Dropout modules in train mode, or calibrate with dropout: "inference"',
    );
  }
  return { model, states, calibration, options, runs };
}

/**
 * Checks the request, reserves the version number and starts the job; resolves with the job
 * as PENDING. The work goes on in the background (`deps.track`).
 */
export function startFinalize(
  deps: FinalizeDeps,
  name: string,
  options: FinalizeOptions,
): Promise<SwaJob> {
  // One start at a time per model, so two requests cannot both find no build running.
  return starting.run(
    `${deps.stores.kv.tenant}/${name}`,
    () => reserveAndStart(deps, name, options),
  );
}

const starting = createKeyedQueue();

async function reserveAndStart(
  deps: FinalizeDeps,
  name: string,
  options: FinalizeOptions,
): Promise<SwaJob> {
  const checked = await plan(deps, name, options);
  const building = (await listVersions(deps.stores.kv, name)).find((v) => v.status === "BUILDING");
  if (building) {
    throw conflict(
      "finalization_running",
      `version ${building.version} of '${name}' is being finalised (job ${building.jobId}); wait for it`,
      { extra: { jobId: building.jobId } },
    );
  }
  const reserved = await updateModel(deps.stores.kv, name, (m) => ({
    ...m,
    nextVersion: m.nextVersion + 1,
  }));
  const number = reserved.nextVersion - 1;
  const now = new Date().toISOString();
  const jobId = crypto.randomUUID();
  const signature = checkSignature(checked.states[0].average.latest!.model, checked.model);
  const outputWidth = signature.outputWidth ?? checked.model.labels?.length;
  if (!outputWidth) {
    throw unprocessable(
      "output_width_unknown",
      `output '${signature.outputName}' has no static width; export it with only the batch dimension dynamic`,
    );
  }
  const version: VersionRecord = {
    version: number,
    status: "BUILDING",
    runs: checked.runs.map((run, i) => ({ run, checkpoints: checked.states[i].average.n })),
    samples: options.samples,
    scale: options.scale,
    covariance: options.covariance,
    seed: options.seed,
    dropout: options.dropout,
    jobId,
    createdAt: now,
    served: servedModelNames(name, checked.runs.length),
    inputName: signature.inputName,
    outputName: signature.outputName,
    outputWidth,
    outputIsProbability: signature.outputIsProbability,
  };
  const job: SwaJob = {
    jobId,
    model: name,
    version: number,
    status: "PENDING",
    progress: { fraction: 0, stage: "queued" },
    createdAt: now,
    updatedAt: now,
  };
  await putVersion(deps.stores.kv, name, version);
  await putJob(deps.stores.kv, job);
  deps.track(runJob(deps, { ...checked, version, job }));
  return job;
}

/** Each run's S draws, BN-recalibrated when the model has BatchNorm (posterior by posterior). */
function sampleDraws(p: Plan): AsyncIterable<{ posterior: number; model: onnx.ModelProto }> {
  const { options } = p;
  const posteriors = p.states.map((s) => s.swag);
  const sampling = {
    samplesPerPosterior: options.samples,
    scale: options.scale,
    cov: options.covariance,
    seed: options.seed,
  };
  if (p.calibration) {
    return swagModels(posteriors, {
      ...sampling,
      calibration: p.calibration,
      rowShape: p.model.input.shape,
      batchSize: options.batchSize,
      dropout: options.dropout,
      dropoutSeed: options.seed,
    });
  }
  return (async function* () {
    for (const { posterior, parameters } of sampleMultiSwag(posteriors, sampling)) {
      yield { posterior, model: swagParametersToModel(posteriors[posterior], parameters) };
    }
  })();
}

async function runJob(deps: FinalizeDeps, p: Plan): Promise<void> {
  const { stores } = deps;
  const { model, options } = p;
  let job = p.job;
  const progress = async (
    fraction: number,
    stage: string,
    status: SwaJob["status"] = "IN_PROGRESS",
  ) => {
    job = { ...job, status, progress: { fraction, stage }, updatedAt: new Date().toISOString() };
    await putJob(stores.kv, job);
  };
  const rowShape = model.input.shape;
  const recalibrate = (m: onnx.ModelProto) =>
    p.calibration
      ? updateBn(m, p.calibration, rowShape, {
        batchSize: options.batchSize,
        dropout: options.dropout,
        seed: options.seed,
      })
      : Promise.resolve(m);
  const put = (file: string, bytes: Uint8Array) =>
    stores.artifacts.put(versionArtifact(model.name, p.version.version, file), bytes);
  try {
    const total = 3 + p.states.length * options.samples;
    let done = 0;
    await progress(0, "building the SWA model");
    const swa = await recalibrate(averageToModel(p.states[0].average));
    await put("swa.onnx", encodeModel(servingGraph(swa)));
    await put("checkpoint.onnx", encodeModel(servingGraph(p.states[0].average.latest!.model)));
    done += 1;
    const draws: onnx.ModelProto[][] = p.states.map(() => []);
    for await (const { posterior, model: sampled } of sampleDraws(p)) {
      draws[posterior].push(sampled);
      done += 1;
      await progress(
        done / total,
        `SWAG sample ${draws[posterior].length} of ${options.samples}, run ${
          p.version.runs[posterior].run
        }`,
      );
    }
    for (const [i, samples] of draws.entries()) {
      await put(`swag-${i}.onnx`, encodeModel(servingGraph(stackSamples(samples))));
    }
    done += 1;
    await progress(done / total, "loading into the worker pool");
    await applyServingSet(stores, deps.publisher, model.name, { extra: p.version });
    await putVersion(stores.kv, model.name, { ...p.version, status: "READY" });
    await updateModel(stores.kv, model.name, (m) => ({
      ...m,
      liveVersion: p.version.version,
      liveHistory: m.liveVersion === null
        ? m.liveHistory
        : [...m.liveHistory, m.liveVersion].slice(-LIVE_HISTORY),
    }));
    await applyServingSet(stores, deps.publisher, model.name);
    await progress(1, "live", "ACTIVE");
    deps.logger?.info("SWA version live", { model: model.name, version: p.version.version });
  } catch (e) {
    const failureReason = e instanceof DomainError
      ? { code: e.code, detail: e.detail }
      : { code: "finalization_failed", detail: String((e as Error)?.message ?? e) };
    deps.logger?.error("SWA finalisation failed", {
      model: model.name,
      version: p.version.version,
      ...failureReason,
    });
    await putVersion(stores.kv, model.name, { ...p.version, status: "FAILED", failureReason });
    job = { ...job, failureReason };
    await progress(job.progress.fraction, "failed", "FAILED");
    await applyServingSet(stores, deps.publisher, model.name).catch((err) =>
      deps.logger?.error("restoring the serving set failed", { error: String(err) })
    );
  }
}
