/**
 * One training run's running state, SWA and SWAG together, as one crash-safe generation of the
 * state store (`control/state_store.ts`): an upload is accepted only once both are durable, and
 * a restart finds either the state before it or the state after it, never half of one.
 *
 *   <tenant>/swa/<model>/<run>/gen-000012/
 *     checkpoint.onnx                         the last checkpoint as uploaded (its graph is the run's)
 *     average.onnx                            the running SWA / EMA average so far (a servable model)
 *     swag_mean.f32, swag_sq_mean.f32         SWAG moments θ̄, θ²̄ (raw little-endian float32)
 *     swag_deviations.f32                     the last ≤ K deviation rows, oldest first
 *     state.json                              counts, averaging options, SWAG layout
 */
import { encodeModel } from "@edgeml/shared/onnx";
import type { KvKey, TenantStores } from "@edgeml/shared/store";
import {
  type AverageOptions,
  type AverageState,
  averageToModel,
  readCheckpoint,
  type SwagState,
} from "@edgeml/shared/swa";
import { commitGeneration, type Pointer, readGeneration } from "../control/state_store.ts";

export interface RunState {
  average: AverageState;
  swag: SwagState;
  /** The last checkpoint's bytes, as uploaded. */
  checkpoint: Uint8Array;
}

/** What a listing shows of a run; stored with the state's pointer. */
export interface RunSummary {
  run: string;
  checkpoints: number;
  swagRows: number;
  updatedAt: string;
}

interface StateJson {
  checkpoints: number;
  averaging: Required<AverageOptions>;
  swag: { maxRows: number; n: number; rows: number; layout: SwagState["layout"] };
}

const FILES = [
  "checkpoint.onnx",
  "average.onnx",
  "swag_mean.f32",
  "swag_sq_mean.f32",
  "swag_deviations.f32",
  "state.json",
];
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const floatsOf = (b: Uint8Array) => new Float32Array(b.slice().buffer);

const where = (stores: TenantStores, model: string, run: string) => ({ ...stores, model, run });

/** Makes `state` the run's current state; resolves once every file and the pointer are durable. */
export async function saveRunState(
  stores: TenantStores,
  model: string,
  run: string,
  state: RunState,
): Promise<RunSummary> {
  const { swag } = state;
  const width = swag.mean.length;
  const deviations = new Float32Array(swag.deviations.length * width);
  swag.deviations.forEach((row, r) => deviations.set(row, r * width));
  const json: StateJson = {
    checkpoints: state.average.n,
    averaging: state.average.options,
    swag: { maxRows: swag.maxRows, n: swag.n, rows: swag.deviations.length, layout: swag.layout },
  };
  const summary: RunSummary = {
    run,
    checkpoints: state.average.n,
    swagRows: swag.deviations.length,
    updatedAt: new Date().toISOString(),
  };
  await commitGeneration(where(stores, model, run), "run", {
    "checkpoint.onnx": state.checkpoint,
    "average.onnx": encodeModel(averageToModel(state.average)),
    "swag_mean.f32": bytesOf(swag.mean),
    "swag_sq_mean.f32": bytesOf(swag.sqMean),
    "swag_deviations.f32": bytesOf(deviations),
    "state.json": new TextEncoder().encode(JSON.stringify(json, null, 2) + "\n"),
  }, { ...summary });
  return summary;
}

/** The run's current state, or `undefined` when no checkpoint of it was ever accepted. */
export async function loadRunState(
  stores: TenantStores,
  model: string,
  run: string,
): Promise<RunState | undefined> {
  const files = await readGeneration(where(stores, model, run), "run", FILES);
  if (!files) return undefined;
  const json = JSON.parse(new TextDecoder().decode(files["state.json"])) as StateJson;
  const latest = readCheckpoint(files["checkpoint.onnx"], { source: `${run}/checkpoint.onnx` });
  const average = readCheckpoint(files["average.onnx"], { source: `${run}/average.onnx` });
  const all = floatsOf(files["swag_deviations.f32"]);
  const width = json.swag.layout.reduce((n, l) => n + l.size, 0);
  return {
    checkpoint: files["checkpoint.onnx"],
    average: {
      options: json.averaging,
      n: json.checkpoints,
      tensors: new Map(average.tensors.map((t) => [t.name, t.data])),
      latest,
    },
    swag: {
      maxRows: json.swag.maxRows,
      n: json.swag.n,
      layout: json.swag.layout,
      mean: floatsOf(files["swag_mean.f32"]),
      sqMean: floatsOf(files["swag_sq_mean.f32"]),
      deviations: Array.from(
        { length: json.swag.rows },
        (_, r) => all.slice(r * width, (r + 1) * width),
      ),
      latest,
    },
  };
}

/** The model's runs that hold state, in name order. */
export async function listRuns(stores: TenantStores, model: string): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for await (const entry of stores.kv.list<Pointer>(["swa", model] as KvKey)) {
    if (entry.key.length !== 4 || entry.key[3] !== "current") continue;
    const summary = entry.value.summary as RunSummary | undefined;
    if (entry.value.kind === "run" && summary) runs.push(summary);
  }
  return runs.sort((a, b) => a.run < b.run ? -1 : a.run > b.run ? 1 : 0);
}
