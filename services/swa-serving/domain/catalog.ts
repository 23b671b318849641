/**
 * The SWA service's records in the tenant's KV store: models (with the live-version pointer),
 * versions and finalisation jobs. Runs are not here: their summaries live with their state
 * (`run_state.ts`), committed together.
 *
 *   ["swa-serving", "models", <name>]              ModelRecord
 *   ["swa-serving", "versions", <name>, <v>]       VersionRecord
 *   ["swa-serving", "jobs", <jobId>]               SwaJob
 */
import { conflict, notFound } from "@edgeml/shared/errors";
import type { SwaJob, SwaModel, SwaVersion } from "@edgeml/shared/contracts/swa";
import { insertRecord, type KvKey, type TenantKvStore, updateRecord } from "@edgeml/shared/store";

/** A model as stored: the contract's shape without its runs, plus version bookkeeping. */
export interface ModelRecord extends Omit<SwaModel, "runs"> {
  /** Versions that were live before the current one, oldest first (rollback pops from here). */
  liveHistory: number[];
  /** The number the next finalisation takes. */
  nextVersion: number;
}

/** The worker-pool models one version is served as (each at the version's number). */
export interface ServedModels {
  swa: string;
  checkpoint: string;
  /** One stacked graph of S samples per run, in the version's run order. */
  swag: string[];
}

export interface VersionRecord extends Omit<SwaVersion, "live"> {
  served: ServedModels;
  /** The graph input fed with rows, and the width of one output row (classes or targets). */
  inputName: string;
  outputName: string;
  outputWidth: number;
  /** The classifier's output is already softmax probabilities (its graph ends in Softmax). */
  outputIsProbability?: boolean;
  failureReason?: { code: string; detail: string };
}

const MODELS = ["swa-serving", "models"] as const;
const modelKey = (name: string): KvKey => [...MODELS, name];
const versionKey = (name: string, version: number): KvKey => [
  "swa-serving",
  "versions",
  name,
  version,
];
const jobKey = (jobId: string): KvKey => ["swa-serving", "jobs", jobId];

/** Worker-pool model names of a model's served forms (Triton names; the version is the pool's). */
export function servedModelNames(name: string, runs: number): ServedModels {
  return {
    swa: `swa-${name}-swa`,
    checkpoint: `swa-${name}-checkpoint`,
    swag: Array.from({ length: runs }, (_, i) => `swa-${name}-swag-${i}`),
  };
}

export async function insertModel(kv: TenantKvStore, record: ModelRecord): Promise<void> {
  await insertRecord(
    kv,
    modelKey(record.name),
    record,
    () => conflict("model_exists", `a model named '${record.name}' exists`),
  );
  remember(kv, record);
}

/**
 * The predict path's reads, cached: a model record for up to {@link MODEL_CACHE_MS} (writes in
 * this process replace it at once, so here a new live version serves from the next request; an
 * edge instance elsewhere sees it within that time), and READY version records, which never
 * change, until deleted. Each saves a KV read per prediction.
 */
export const MODEL_CACHE_MS = 1000;
const CACHE_ENTRIES = 10_000;

interface Caches {
  models: Map<string, { record: ModelRecord; at: number }>;
  readyVersions: Map<string, VersionRecord>;
}
/** Per store view (a tenant's KV), so two stores never share entries. */
const caches = new WeakMap<TenantKvStore, Caches>();
function cachesOf(kv: TenantKvStore): Caches {
  let c = caches.get(kv);
  if (!c) caches.set(kv, c = { models: new Map(), readyVersions: new Map() });
  return c;
}
const cacheKey = (...parts: (string | number)[]) => JSON.stringify(parts);

function bounded<V>(map: Map<string, V>, key: string, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > CACHE_ENTRIES) map.delete(map.keys().next().value!);
}

function remember(kv: TenantKvStore, record: ModelRecord) {
  bounded(cachesOf(kv).models, cacheKey(record.name), { record, at: performance.now() });
}

export async function getModelCached(kv: TenantKvStore, name: string): Promise<ModelRecord> {
  const hit = cachesOf(kv).models.get(cacheKey(name));
  if (hit && performance.now() - hit.at < MODEL_CACHE_MS) return hit.record;
  const record = await getModel(kv, name);
  remember(kv, record);
  return record;
}

export async function getVersionCached(
  kv: TenantKvStore,
  name: string,
  version: number,
): Promise<VersionRecord> {
  const { readyVersions } = cachesOf(kv);
  const key = cacheKey(name, version);
  const hit = readyVersions.get(key);
  if (hit) return hit;
  const record = await getVersion(kv, name, version);
  if (record.status === "READY") bounded(readyVersions, key, record);
  return record;
}

export async function getModel(kv: TenantKvStore, name: string): Promise<ModelRecord> {
  const { value } = await kv.get<ModelRecord>(modelKey(name));
  if (!value) throw notFound("model_not_found", `no SWA model named '${name}'`);
  return value;
}

export async function listModels(kv: TenantKvStore): Promise<ModelRecord[]> {
  const models: ModelRecord[] = [];
  for await (const entry of kv.list<ModelRecord>(MODELS)) models.push(entry.value);
  return models;
}

/**
 * Changes a model record with compare-and-set, retrying when another writer got there first;
 * `change` may throw to refuse (nothing is written then). Returns the record written.
 */
export async function updateModel(
  kv: TenantKvStore,
  name: string,
  change: (record: ModelRecord) => ModelRecord,
): Promise<ModelRecord> {
  const next = await updateRecord(kv, modelKey(name), change, {
    missing: () => notFound("model_not_found", `no SWA model named '${name}'`),
    busy: () => conflict("model_busy", `model '${name}' kept changing; retry`),
  });
  remember(kv, next);
  return next;
}

export async function putVersion(kv: TenantKvStore, name: string, record: VersionRecord) {
  cachesOf(kv).readyVersions.delete(cacheKey(name, record.version));
  await kv.set(versionKey(name, record.version), record);
}

export async function getVersion(
  kv: TenantKvStore,
  name: string,
  version: number,
): Promise<VersionRecord> {
  const { value } = await kv.get<VersionRecord>(versionKey(name, version));
  if (!value) throw notFound("version_not_found", `model '${name}' has no version ${version}`);
  return value;
}

export async function listVersions(kv: TenantKvStore, name: string): Promise<VersionRecord[]> {
  const versions: VersionRecord[] = [];
  for await (const e of kv.list<VersionRecord>(["swa-serving", "versions", name])) {
    versions.push(e.value);
  }
  return versions.sort((a, b) => a.version - b.version);
}

export async function deleteVersionRecord(kv: TenantKvStore, name: string, version: number) {
  cachesOf(kv).readyVersions.delete(cacheKey(name, version));
  await kv.delete(versionKey(name, version));
}

export async function putJob(kv: TenantKvStore, job: SwaJob): Promise<void> {
  await kv.set(jobKey(job.jobId), job);
}

export async function getJob(kv: TenantKvStore, jobId: string): Promise<SwaJob> {
  const { value } = await kv.get<SwaJob>(jobKey(jobId));
  if (!value) throw notFound("job_not_found", `no job '${jobId}'`);
  return value;
}

export async function listJobs(kv: TenantKvStore): Promise<SwaJob[]> {
  const jobs: SwaJob[] = [];
  for await (const e of kv.list<SwaJob>(["swa-serving", "jobs"])) jobs.push(e.value);
  return jobs;
}

/** The contract's view of a version. */
export function versionView(record: VersionRecord, model: ModelRecord): SwaVersion {
  const {
    served: _s,
    inputName: _i,
    outputName: _o,
    outputWidth: _w,
    outputIsProbability: _p,
    failureReason: _f,
    ...rest
  } = record;
  return { ...rest, live: model.liveVersion === record.version };
}
