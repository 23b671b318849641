/**
 * BatchNorm calibration rows: given inline with a finalisation, or uploaded before as a set of
 * raw little-endian float32 rows (`swa-serving/<model>/calibration/<set>.f32` in the artifact
 * store: any tool reads it). Either way they are checked here, before a job starts: whole rows
 * of the registered shape, every value finite (one NaN would silently turn every BN statistic
 * into NaN), so a bad set is a 422 naming the batch and position, not a failed job.
 */
import { notFound, unprocessable } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import type { ModelRecord } from "./catalog.ts";
import { rowsTensor } from "./predict.ts";

const setPath = (model: string, set: string) => `swa-serving/${model}/calibration/${set}.f32`;
const rowSize = (model: ModelRecord) => model.input.shape.reduce((a, b) => a * b, 1);

/**
 * Refuses a non-finite value, naming where it is as the BN recalibration would meet it: the
 * batch (of `batchSize` rows, 0-based), the row within all rows, and the index within the row.
 */
export function assertFiniteRows(data: Float32Array, size: number, batchSize: number): void {
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    const row = Math.floor(i / size);
    const batch = Math.floor(row / batchSize);
    const index = i % size;
    throw unprocessable(
      "non_finite_calibration",
      `calibration data holds ${data[i]} in batch ${batch} (0-based), row ${row} (row ${
        row - batch * batchSize
      } of that batch), position ${index} within the row; every BatchNorm statistic ` +
        "downstream would become NaN",
      { extra: { batch, row, index } },
    );
  }
}

export async function putCalibrationSet(
  stores: TenantStores,
  model: ModelRecord,
  set: string,
  bytes: Uint8Array,
): Promise<{ set: string; rows: number; bytes: number }> {
  const size = rowSize(model);
  if (bytes.byteLength === 0 || bytes.byteLength % (4 * size) !== 0) {
    throw unprocessable(
      "calibration_shape",
      `${bytes.byteLength} bytes is not a whole number of float32 rows of [${
        model.input.shape.join(", ")
      }] (${4 * size} bytes each)`,
    );
  }
  // Finiteness is checked when a finalisation uses the set: only then is the batch size known.
  await stores.artifacts.put(setPath(model.name, set), bytes);
  return { set, rows: bytes.byteLength / 4 / size, bytes: bytes.byteLength };
}

/** The rows a finalisation calibrates with, checked; undefined when none were given. */
export async function calibrationRows(
  stores: TenantStores,
  model: ModelRecord,
  request: { calibration?: number[][]; calibrationSet?: string; batchSize: number },
): Promise<Float32Array | undefined> {
  let data: Float32Array | undefined;
  if (request.calibration && request.calibrationSet) {
    throw unprocessable(
      "calibration_ambiguous",
      "give either calibration rows or a calibrationSet, not both",
    );
  }
  if (request.calibration) data = rowsTensor(request.calibration, model.input.shape);
  if (request.calibrationSet) {
    const bytes = await stores.artifacts.get(setPath(model.name, request.calibrationSet));
    if (!bytes) {
      throw notFound(
        "calibration_set_not_found",
        `model '${model.name}' has no calibration set '${request.calibrationSet}'`,
      );
    }
    data = new Float32Array(bytes.slice().buffer);
  }
  if (data) assertFiniteRows(data, rowSize(model), request.batchSize);
  return data;
}
