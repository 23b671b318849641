/**
 * BatchNorm calibration rows: where a non-finite value is (worked out by hand), uploaded sets of
 * whole rows only, and which rows a finalisation gets from inline rows or a stored set.
 */
import assert from "node:assert/strict";
import { domainErrorFrom, rejectsDomainError } from "@edgeml/shared/testing";
import { assertFiniteRows, calibrationRows, putCalibrationSet } from "./calibration.ts";
import type { ModelRecord } from "./catalog.ts";
import { withStores } from "@edgeml/shared/testing";

/** Rows of [2, 3]: 6 floats, 24 bytes each. */
const MODEL: ModelRecord = {
  name: "cal",
  task: "regression",
  input: { shape: [2, 3] },
  regressionVariance: "none",
  averaging: { strategy: "equal", decay: 0.999, useBuffers: false },
  swagRank: 20,
  createdAt: "2024-01-01T00:00:00.000Z",
  liveVersion: null,
  liveHistory: [],
  nextVersion: 1,
};

/** `rows` rows of 6 values, value = 10·row + index (so each is recognisable). */
const rowsOf = (rows: number) =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: 6 }, (_, i) => 10 * r + i));
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test("assertFiniteRows names the first non-finite value's batch, row and index", () => {
  // 5 rows of 3; flat index 13 is row 4 (13 = 4·3 + 1), index 1; with batches of 2, batch 2.
  const data = new Float32Array(15);
  data[13] = NaN;
  const nan = domainErrorFrom(
    () => assertFiniteRows(data, 3, 2),
    "unprocessable",
    "non_finite_calibration",
  );
  assert.deepEqual(nan.extra, { batch: 2, row: 4, index: 1 });
  assert.match(
    nan.detail,
    /holds NaN in batch 2 \(0-based\), row 4 \(row 0 of that batch\), position 1/,
  );
  // An earlier infinity is reported first: flat 8 = row 2 (8 = 2·3 + 2), index 2; batch 0 of 4.
  data[8] = -Infinity;
  const inf = domainErrorFrom(
    () => assertFiniteRows(data, 3, 4),
    "unprocessable",
    "non_finite_calibration",
  );
  assert.deepEqual(inf.extra, { batch: 0, row: 2, index: 2 });
  assert.match(inf.detail, /holds -Infinity in batch 0 .*position 2 within the row/);
  // Batches of 1: the batch is the row.
  assert.deepEqual(
    domainErrorFrom(() => assertFiniteRows(data, 3, 1), "unprocessable", "non_finite_calibration")
      .extra,
    { batch: 2, row: 2, index: 2 },
  );
  assertFiniteRows(Float32Array.from([0, -1, 3.4e38, 1e-45]), 2, 1); // finite: no error
});

Deno.test("putCalibrationSet stores whole rows only: 48 bytes are 2 rows, 50, 12 and 0 are refused", async () => {
  await withStores(async (stores) => {
    const two = bytesOf(new Float32Array(rowsOf(2).flat()));
    assert.deepEqual(await putCalibrationSet(stores, MODEL, "set-a", two), {
      set: "set-a",
      rows: 2,
      bytes: 48,
    });
    assert.deepEqual(
      await stores.artifacts.get("swa-serving/cal/calibration/set-a.f32"),
      two,
    );
    for (const size of [50, 12, 0]) {
      const err = await rejectsDomainError(
        putCalibrationSet(stores, MODEL, "set-b", new Uint8Array(size)),
        "unprocessable",
        "calibration_shape",
      );
      assert.match(err.detail, new RegExp(`^${size} bytes .*\\[2, 3\\] \\(24 bytes each\\)`));
    }
    assert.equal(await stores.artifacts.get("swa-serving/cal/calibration/set-b.f32"), undefined);
  });
});

Deno.test("calibrationRows: inline rows, a stored set, or none", async () => {
  await withStores(async (stores) => {
    assert.deepEqual(
      await calibrationRows(stores, MODEL, { calibration: rowsOf(3), batchSize: 2 }),
      new Float32Array(rowsOf(3).flat()),
    );
    await putCalibrationSet(stores, MODEL, "stored", bytesOf(new Float32Array(rowsOf(4).flat())));
    assert.deepEqual(
      await calibrationRows(stores, MODEL, { calibrationSet: "stored", batchSize: 2 }),
      new Float32Array(rowsOf(4).flat()),
    );
    assert.equal(await calibrationRows(stores, MODEL, { batchSize: 2 }), undefined);
  });
});

Deno.test("calibrationRows refuses an unknown set (404), both forms at once, and a short inline row", async () => {
  await withStores(async (stores) => {
    const missing = await rejectsDomainError(
      calibrationRows(stores, MODEL, { calibrationSet: "nope", batchSize: 2 }),
      "not_found",
      "calibration_set_not_found",
    );
    assert.match(missing.detail, /'cal' has no calibration set 'nope'/);
    await putCalibrationSet(stores, MODEL, "stored", new Uint8Array(24));
    await rejectsDomainError(
      calibrationRows(stores, MODEL, {
        calibration: rowsOf(1),
        calibrationSet: "stored",
        batchSize: 2,
      }),
      "unprocessable",
      "calibration_ambiguous",
    );
    const rows = rowsOf(3);
    rows[2] = rows[2].slice(0, 5);
    const short = await rejectsDomainError(
      calibrationRows(stores, MODEL, { calibration: rows, batchSize: 2 }),
      "invalid",
      "input_row_size",
    );
    assert.deepEqual(short.extra, { row: 2, expected: 6, got: 5 });
  });
});

Deno.test("a stored set with a NaN is refused at use, naming the batch for the batch size asked", async () => {
  await withStores(async (stores) => {
    // 10 rows of 6; the NaN at flat index 45 is row 7 (45 = 7·6 + 3), index 3.
    const data = new Float32Array(rowsOf(10).flat());
    data[45] = NaN;
    // Uploading is fine: the batch size is only known when a finalisation uses the set.
    assert.equal((await putCalibrationSet(stores, MODEL, "bad", bytesOf(data))).rows, 10);
    for (const [batchSize, batch] of [[3, 2], [4, 1], [8, 0], [1, 7]]) {
      const err = await rejectsDomainError(
        calibrationRows(stores, MODEL, { calibrationSet: "bad", batchSize }),
        "unprocessable",
        "non_finite_calibration",
      );
      assert.deepEqual(err.extra, { batch, row: 7, index: 3 }, `batchSize ${batchSize}`);
    }
    // Inline rows are checked the same way.
    const rows = rowsOf(5);
    rows[4][0] = Infinity;
    const inline = await rejectsDomainError(
      calibrationRows(stores, MODEL, { calibration: rows, batchSize: 2 }),
      "unprocessable",
      "non_finite_calibration",
    );
    assert.deepEqual(inline.extra, { batch: 2, row: 4, index: 0 });
  });
});
