/**
 * The SWA service's control plane as the edge app sees it: start a finalisation, roll back,
 * delete a version, and, at start-up, recover from a restart (jobs cut short are marked failed,
 * the pool brought back to the catalog's serving set). It holds the publisher (the pool's
 * repository) and ONNX Runtime work, which the edge app does not.
 */
import type { SwaJob, SwaModel } from "@edgeml/shared/contracts/swa";
import { conflict } from "@edgeml/shared/errors";
import type { Logger } from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import {
  deleteVersionRecord,
  getModel,
  getVersion,
  listJobs,
  listModels,
  listVersions,
  putJob,
  putVersion,
  updateModel,
} from "../domain/catalog.ts";
import { listRuns, modelView } from "../domain/ingest.ts";
import { type FinalizeOptions, startFinalize } from "./finalize.ts";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { applyServingSet, versionArtifact } from "./serving_set.ts";

export interface SwaControl {
  finalize(name: string, options: FinalizeOptions): Promise<SwaJob>;
  rollback(name: string, version?: number): Promise<SwaModel>;
  deleteVersion(name: string, version: number): Promise<void>;
}

export interface SwaControlOptions {
  stores: TenantStores;
  publisher: ModelPublisher;
  logger?: Logger;
  /** Largest S per run (`SWA_MAX_SAMPLES`, default 64). */
  maxSamples?: number;
}

export interface SwaControlPlane extends SwaControl {
  /** Marks jobs a restart cut short as failed and reconciles what the pool serves. */
  recover(): Promise<void>;
  /** Resolves once every running job has finished. */
  drain(): Promise<void>;
}

export function createSwaControl(
  { stores, publisher, logger, maxSamples = 64 }: SwaControlOptions,
): SwaControlPlane {
  const jobs = new Set<Promise<unknown>>();
  const track = (job: Promise<unknown>) => {
    jobs.add(job);
    job.finally(() => jobs.delete(job));
  };
  return {
    finalize: (name, options) =>
      startFinalize({ stores, publisher, logger, maxSamples, track }, name, options),

    async rollback(name, version) {
      const model = await getModel(stores.kv, name);
      const target = version ?? model.liveHistory.at(-1);
      if (target === undefined) {
        throw conflict("nothing_to_roll_back", `model '${name}' has no earlier live version`);
      }
      if (target === model.liveVersion) {
        throw conflict("version_live", `version ${target} of '${name}' is already live`);
      }
      const record = await getVersion(stores.kv, name, target);
      if (record.status !== "READY") {
        throw conflict("version_not_ready", `version ${target} is ${record.status}, not READY`);
      }
      await applyServingSet(stores, publisher, name, { extra: record });
      const updated = await updateModel(stores.kv, name, (m) => ({
        ...m,
        liveVersion: target,
        liveHistory: [
          ...m.liveHistory.filter((v) => v !== target),
          ...(m.liveVersion !== null ? [m.liveVersion] : []),
        ],
      }));
      await applyServingSet(stores, publisher, name);
      logger?.info("SWA version rolled back", { model: name, version: target });
      return modelView(updated, await listRuns(stores, name));
    },

    async deleteVersion(name, version) {
      const model = await getModel(stores.kv, name);
      const record = await getVersion(stores.kv, name, version);
      if (model.liveVersion === version) {
        throw conflict("version_live", `version ${version} is live; roll back to another first`);
      }
      if (record.status === "BUILDING") {
        throw conflict("version_building", `version ${version} is being finalised`);
      }
      await updateModel(stores.kv, name, (m) => ({
        ...m,
        liveHistory: m.liveHistory.filter((v) => v !== version),
      }));
      await deleteVersionRecord(stores.kv, name, version);
      await applyServingSet(stores, publisher, name, { forget: [record] });
      for await (const { path } of stores.artifacts.list(versionArtifact(name, version, ""))) {
        await stores.artifacts.delete(path);
      }
    },

    async recover() {
      for (const job of await listJobs(stores.kv)) {
        if (job.status !== "PENDING" && job.status !== "IN_PROGRESS") continue;
        const failureReason = {
          code: "interrupted",
          detail: "the service stopped during finalisation; the previous live version kept serving",
        };
        await putJob(stores.kv, {
          ...job,
          status: "FAILED",
          failureReason,
          progress: { ...job.progress, stage: "failed" },
          updatedAt: new Date().toISOString(),
        });
        const version = await getVersion(stores.kv, job.model, job.version).catch(() => undefined);
        if (version?.status === "BUILDING") {
          await putVersion(stores.kv, job.model, { ...version, status: "FAILED", failureReason });
        }
      }
      for (const model of await listModels(stores.kv)) {
        if ((await listVersions(stores.kv, model.name)).length === 0) continue;
        await applyServingSet(stores, publisher, model.name).catch((e) =>
          logger?.error("restoring an SWA model's serving set failed", {
            model: model.name,
            error: String(e),
          })
        );
      }
    },

    async drain() {
      while (jobs.size > 0) await Promise.allSettled([...jobs]);
    },
  };
}
