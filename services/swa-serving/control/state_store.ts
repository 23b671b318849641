/**
 * Crash-safe persistence of SWA/SWAG state on the store (`@edgeml/shared/store`). Each save
 * writes a new generation of plain artifacts,
 *
 *   <tenant>/swa/<model>/<run>/gen-000042/average.onnx, state.json          (running average)
 *   <tenant>/swa/<model>/<run>/gen-000042/mean.onnx, sq_mean.f32, deviations.f32, state.json
 *
 * (ONNX, raw little-endian float32 and JSON: `ls` and any ONNX tool read them), and only then
 * moves the run's CURRENT pointer, `[<tenant>, "swa", <model>, <run>, "current"]`, to it.
 * Readers only follow CURRENT, so a save that dies half-way leaves the previous state current
 * and a restart loads it; its half-written generation is never read and is deleted by the next
 * save.
 *
 * Why CURRENT lives in the KV store rather than as an artifact: both can be replaced
 * atomically, but only KV offers compare-and-set. A save reserves its generation number with
 * one atomic increment (so two writers never write into the same folder) and moves CURRENT
 * with a check of the versionstamp it read before writing, so a writer that lost a race fails
 * with `swa_state_conflict` instead of silently replacing newer state. The order makes the
 * pointer durable only after its files: each artifact put is itself atomic and durable (the
 * local store fsyncs and renames; an S3 PutObject is complete when it returns), and the KV
 * commit comes after the last of them.
 */
import { conflict, failed, invalid, unprocessable } from "@edgeml/shared/errors";
import { encodeModel } from "@edgeml/shared/onnx";
import type { KvKey, TenantArtifactStore, TenantKvStore } from "@edgeml/shared/store";
import {
  type AverageOptions,
  type AverageState,
  averageToModel,
  readCheckpoint,
  swagParametersToModel,
  type SwagState,
} from "@edgeml/shared/swa";

/** Where one run's state lives: a tenant's stores, and the model and run it belongs to. */
export interface SwaStateLocation {
  /** The tenant's views (`tenantStores(stores, tenant)`): every key and path begins with it. */
  kv: TenantKvStore;
  artifacts: TenantArtifactStore;
  /** 1–128 characters of `[A-Za-z0-9._-]`, not starting with `.`. */
  model: string;
  run: string;
}

type StateKind = "average" | "swag" | "run";

/**
 * The value of CURRENT: which generation holds the run's state, what kind it is, and a small
 * summary of it (committed with the pointer, so a listing never disagrees with the state).
 */
export interface Pointer {
  generation: number;
  kind: StateKind;
  summary?: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const RESERVE_ATTEMPTS = 16;
const READ_ATTEMPTS = 3;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function locate({ model, run }: SwaStateLocation) {
  for (const [what, name] of [["model", model], ["run", run]]) {
    if (!NAME.test(name)) {
      throw invalid("invalid_swa_location", `${what} name ${JSON.stringify(name)} is not valid`);
    }
  }
  const folder = `swa/${model}/${run}/`;
  return {
    folder,
    current: ["swa", model, run, "current"] as KvKey,
    reserved: ["swa", model, run, "reserved"] as KvKey,
    generation: (n: number) => `${folder}gen-${String(n).padStart(6, "0")}/`,
  };
}

/** Takes the next generation number for this run: unique, even among concurrent writers. */
async function reserveGeneration(
  kv: TenantKvStore,
  key: KvKey,
  current: Pointer | null,
): Promise<number> {
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
    const last = await kv.get<number>(key);
    const next = Math.max(last.value ?? 0, current?.generation ?? 0) + 1;
    const result = await kv.atomic(
      [{ key, versionstamp: last.versionstamp }],
      [{ type: "set", key, value: next }],
    );
    if (result.ok) return next;
  }
  throw conflict("swa_state_conflict", "too many concurrent saves of this run's state");
}

/** Deletes the generations numbered below `keep` (older state and crashed saves). */
async function pruneGenerations(where: SwaStateLocation, folder: string, keep: number) {
  for await (const { path } of where.artifacts.list(folder)) {
    const match = path.slice(folder.length).match(/^gen-(\d+)\//);
    if (match && Number(match[1]) < keep) await where.artifacts.delete(path);
  }
}

/**
 * Writes `files` as a new generation of the run and points CURRENT at it; returns its number.
 *
 * @throws {DomainError} `swa_state_conflict` (conflict) when another save moved CURRENT first.
 */
export async function commitGeneration(
  where: SwaStateLocation,
  kind: StateKind,
  files: Record<string, Uint8Array>,
  summary?: Record<string, unknown>,
): Promise<number> {
  const keys = locate(where);
  const current = await where.kv.get<Pointer>(keys.current);
  const n = await reserveGeneration(where.kv, keys.reserved, current.value);
  const folder = keys.generation(n);
  for (const [name, bytes] of Object.entries(files)) {
    await where.artifacts.put(folder + name, bytes);
  }
  const pointer: Pointer = { generation: n, kind, ...(summary ? { summary } : {}) };
  const moved = await where.kv.atomic(
    [{ key: keys.current, versionstamp: current.versionstamp }],
    [{ type: "set", key: keys.current, value: pointer }],
  );
  if (!moved.ok) {
    for (const name of Object.keys(files)) await where.artifacts.delete(folder + name);
    throw conflict(
      "swa_state_conflict",
      `another save of ${where.model}/${where.run} finished first; reload and retry`,
    );
  }
  await pruneGenerations(where, keys.folder, n);
  return n;
}

/**
 * The files of the current generation, or `undefined` when nothing was ever saved. Retries when
 * a concurrent save moves CURRENT (and prunes this generation) while it reads.
 *
 * @throws {DomainError} `swa_state_kind` (conflict) when the run holds the other kind of state.
 */
export async function readGeneration(
  where: SwaStateLocation,
  kind: StateKind,
  names: readonly string[],
): Promise<Record<string, Uint8Array> | undefined> {
  const keys = locate(where);
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const { value: pointer } = await where.kv.get<Pointer>(keys.current);
    if (!pointer) return undefined;
    if (pointer.kind !== kind) {
      throw conflict(
        "swa_state_kind",
        `${where.model}/${where.run} holds ${pointer.kind} state, not ${kind}`,
      );
    }
    const folder = keys.generation(pointer.generation);
    const files: Record<string, Uint8Array> = {};
    for (const name of names) {
      const bytes = await where.artifacts.get(folder + name);
      if (bytes) files[name] = bytes;
    }
    if (names.every((name) => files[name])) return files;
    const now = (await where.kv.get<Pointer>(keys.current)).value;
    if (now?.generation === pointer.generation) {
      const missing = names.filter((name) => !files[name]).join(", ");
      throw failed("swa_state_missing", `${folder} lacks ${missing}`);
    }
  }
  throw conflict("swa_state_conflict", "the state kept changing while it was read; retry");
}

// ---- running average ------------------------------------------------------------------------

interface AverageMeta {
  kind: "average";
  options: Required<AverageOptions>;
  n: number;
}

const json = (value: unknown) => encoder.encode(JSON.stringify(value, null, 2) + "\n");

/** Saves a running average (SWA or EMA) as the run's new current state. */
export async function saveAverage(where: SwaStateLocation, state: AverageState): Promise<void> {
  if (!state.latest) {
    throw unprocessable("empty_average", "nothing to save: no checkpoint averaged");
  }
  const meta: AverageMeta = { kind: "average", options: state.options, n: state.n };
  await commitGeneration(where, "average", {
    "average.onnx": encodeModel(averageToModel(state)),
    "state.json": json(meta),
  });
}

/** The run's current running average, or `undefined` when none was saved. */
export async function loadAverage(where: SwaStateLocation): Promise<AverageState | undefined> {
  const files = await readGeneration(where, "average", ["average.onnx", "state.json"]);
  if (!files) return undefined;
  const meta = JSON.parse(decoder.decode(files["state.json"])) as AverageMeta;
  const latest = readCheckpoint(files["average.onnx"], { source: "average.onnx" });
  return {
    options: meta.options,
    n: meta.n,
    tensors: new Map(latest.tensors.map((t) => [t.name, t.data])),
    latest,
  };
}

// ---- SWAG -------------------------------------------------------------------------------------

interface SwagMeta {
  kind: "swag";
  maxRows: number;
  n: number;
  rows: number;
  layout: SwagState["layout"];
}

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const floatsOf = (b: Uint8Array) => new Float32Array(b.slice().buffer);

/** Saves SWAG moments and deviation rows as the run's new current state. */
export async function saveSwag(where: SwaStateLocation, state: SwagState): Promise<void> {
  if (!state.latest) throw unprocessable("empty_swag", "nothing to save: no checkpoint collected");
  const deviations = new Float32Array(state.deviations.length * state.mean.length);
  state.deviations.forEach((row, r) => deviations.set(row, r * state.mean.length));
  const meta: SwagMeta = {
    kind: "swag",
    maxRows: state.maxRows,
    n: state.n,
    rows: state.deviations.length,
    layout: state.layout,
  };
  await commitGeneration(where, "swag", {
    // The mean is itself a model (the SWA solution); the rest is raw float32.
    "mean.onnx": encodeModel(swagParametersToModel(state, state.mean)),
    "sq_mean.f32": bytesOf(state.sqMean),
    "deviations.f32": bytesOf(deviations),
    "state.json": json(meta),
  });
}

/** The run's current SWAG state, or `undefined` when none was saved. */
export async function loadSwag(where: SwaStateLocation): Promise<SwagState | undefined> {
  const files = await readGeneration(where, "swag", [
    "mean.onnx",
    "sq_mean.f32",
    "deviations.f32",
    "state.json",
  ]);
  if (!files) return undefined;
  const meta = JSON.parse(decoder.decode(files["state.json"])) as SwagMeta;
  const latest = readCheckpoint(files["mean.onnx"], { source: "mean.onnx" });
  const mean = new Float32Array(meta.layout.reduce((n, l) => n + l.size, 0));
  for (const { name, offset } of meta.layout) mean.set(latest.byName.get(name)!.data, offset);
  const all = floatsOf(files["deviations.f32"]);
  const deviations = Array.from(
    { length: meta.rows },
    (_, r) => all.slice(r * mean.length, (r + 1) * mean.length),
  );
  return {
    maxRows: meta.maxRows,
    n: meta.n,
    layout: meta.layout,
    mean,
    sqMean: floatsOf(files["sq_mean.f32"]),
    deviations,
    latest,
  };
}
