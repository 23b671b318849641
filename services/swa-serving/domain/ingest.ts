/**
 * Registering models and folding uploaded checkpoints into a run's running SWA and SWAG state.
 * An upload is parsed and checked in full (ONNX, float32 weights, finite values, no folded
 * BatchNorm, the registered input and output, the run's graph) before anything is written, and
 * answered only once the new state is durable: a refused or interrupted upload leaves the run
 * as it was.
 */
import type {
  CheckpointAccepted,
  CreateSwaModelRequest,
  SwaModel,
} from "@edgeml/shared/contracts/swa";
import { invalid, unprocessable } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import {
  collectSwag,
  createAverage,
  createSwag,
  readCheckpoint,
  updateAverage,
} from "@edgeml/shared/swa";
import type { z } from "zod";
import { insertModel, type ModelRecord } from "./catalog.ts";
import { checkSignature } from "./graph_signature.ts";
import { createKeyedQueue } from "@edgeml/shared/store";
import { listRuns, loadRunState, type RunSummary, saveRunState } from "./run_state.ts";

export type CreateModel = z.output<typeof CreateSwaModelRequest>;

export function modelView(record: ModelRecord, runs: RunSummary[]): SwaModel {
  const { liveHistory: _h, nextVersion: _n, ...rest } = record;
  return { ...rest, runs };
}

export async function registerModel(stores: TenantStores, request: CreateModel): Promise<SwaModel> {
  if (request.task === "classification" && !request.labels) {
    throw invalid(
      "labels_required",
      "a classification model needs its class labels, in output order",
    );
  }
  if (request.labels && new Set(request.labels).size !== request.labels.length) {
    throw invalid("duplicate_labels", "labels must be distinct");
  }
  const record: ModelRecord = {
    ...request,
    createdAt: new Date().toISOString(),
    liveVersion: null,
    liveHistory: [],
    nextVersion: 1,
  };
  // A KV value holds at most 64 KiB of V8 serialisation, where a string with any character
  // beyond Latin-1 takes two bytes a character; labels are the only part that can grow.
  const text = JSON.stringify(record);
  const latin1 = [...text].every((c) => c.charCodeAt(0) <= 0xff);
  const size = latin1 ? text.length : 2 * text.length;
  if (size > 60_000) {
    throw unprocessable(
      "model_record_too_large",
      `the registration takes ${size} bytes stored; at most 60000 fit (shorten or drop labels)`,
    );
  }
  await insertModel(stores.kv, record);
  return modelView(record, []);
}

/** Uploads to one run are applied one at a time (in this process; the store's CAS covers others). */
const perRun = createKeyedQueue();

/**
 * Folds one checkpoint into `run` of `model` (a new run starts with it) and stores the result.
 *
 * @throws {DomainError} from `readCheckpoint` (invalid_onnx, non_finite_weights,
 * folded_batch_norm, …), `checkSignature` (input_shape_mismatch, …) and the averaging
 * (architecture_mismatch naming the first differing node or tensors).
 */
export function ingestCheckpoint(
  stores: TenantStores,
  model: ModelRecord,
  run: string,
  bytes: Uint8Array,
  maxBytes: number,
): Promise<CheckpointAccepted> {
  return perRun.run(`${stores.kv.tenant}/${model.name}/${run}`, async () => {
    const previous = await loadRunState(stores, model.name, run);
    const label = `checkpoint ${(previous?.average.n ?? 0) + 1} of run '${run}'`;
    const checkpoint = readCheckpoint(bytes, { source: label, maxBytes });
    checkSignature(checkpoint.model, model);
    const average = updateAverage(
      previous?.average ?? createAverage(model.averaging),
      checkpoint,
      label,
    );
    const swag = collectSwag(
      previous?.swag ?? createSwag({ maxRows: model.swagRank }),
      checkpoint,
      label,
    );
    const summary = await saveRunState(stores, model.name, run, {
      average,
      swag,
      checkpoint: bytes,
    });
    return {
      model: model.name,
      run,
      checkpoints: summary.checkpoints,
      swagRows: summary.swagRows,
      bytes: bytes.byteLength,
    };
  });
}

export { listRuns };
