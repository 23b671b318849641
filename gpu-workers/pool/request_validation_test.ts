import assert from "node:assert/strict";
import type { Datatype, Tensor } from "@edgeml/shared/contracts";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { type ModelSignature, validateRequest } from "./request_validation.ts";

/** A model taking `image` FP32 [-1, 3] and `mask` INT64 [-1, 2], batches of up to 4 rows. */
const MODEL: ModelSignature = {
  name: "classifier",
  inputs: [
    { name: "image", datatype: "FP32", shape: [-1, 3] },
    { name: "mask", datatype: "INT64", shape: [-1, 2] },
  ],
  outputs: [
    { name: "probs", datatype: "FP32", shape: [-1, 10] },
    { name: "label", datatype: "INT64", shape: [-1] },
  ],
  maxBatchSize: 4,
};

/** A tensor whose byte length is given explicitly (hand-computed by the caller). */
const t = (name: string, datatype: Datatype, shape: number[], byteLength: number): Tensor => ({
  name,
  datatype,
  shape,
  bytes: new Uint8Array(byteLength),
});

// rows × 3 × 4 bytes and rows × 2 × 8 bytes
const image = (rows: number) => t("image", "FP32", [rows, 3], rows * 12);
const mask = (rows: number) => t("mask", "INT64", [rows, 2], rows * 16);

Deno.test("a valid request returns the inputs in the model's order and the row count", () => {
  const m = mask(2);
  const i = image(2);
  const result = validateRequest(MODEL, [m, i], ["label"]);
  assert.equal(result.rows, 2);
  assert.equal(result.tensors.length, 2);
  assert.equal(result.tensors[0], i);
  assert.equal(result.tensors[1], m);
});

Deno.test("batch sizes 1 and max_batch_size are accepted", () => {
  assert.equal(validateRequest(MODEL, [image(1), mask(1)]).rows, 1);
  assert.equal(validateRequest(MODEL, [image(4), mask(4)]).rows, 4);
});

Deno.test("an unknown input is invalid: unknown_input listing the model's inputs", () => {
  const err = domainErrorFrom(
    () => validateRequest(MODEL, [image(1), mask(1), t("extra", "FP32", [1], 4)]),
    "invalid",
    "unknown_input",
  );
  assert.deepEqual(err.extra, { expected: ["image", "mask"], given: "extra" });
});

Deno.test("an input given twice is invalid: duplicate_input", () => {
  domainErrorFrom(
    () => validateRequest(MODEL, [image(1), image(1), mask(1)]),
    "invalid",
    "duplicate_input",
  );
});

Deno.test("a missing input is invalid: missing_input naming it", () => {
  const err = domainErrorFrom(() => validateRequest(MODEL, [image(1)]), "invalid", "missing_input");
  assert.match(err.detail, /'mask'/);
  assert.match(err.detail, /INT64 \[-1, 2\]/);
});

Deno.test("a datatype mismatch is invalid: datatype_mismatch", () => {
  const err = domainErrorFrom(
    () => validateRequest(MODEL, [t("image", "FP64", [1, 3], 24), mask(1)]),
    "invalid",
    "datatype_mismatch",
  );
  assert.deepEqual(err.extra, { expected: "FP32", given: "FP64" });
});

Deno.test("a wrong rank or a wrong fixed dim is invalid: shape_mismatch", () => {
  const rank = domainErrorFrom(
    () => validateRequest(MODEL, [t("image", "FP32", [1, 3, 1], 12), mask(1)]),
    "invalid",
    "shape_mismatch",
  );
  assert.deepEqual(rank.extra, { expected: [-1, 3], given: [1, 3, 1] });
  const dim = domainErrorFrom(
    () => validateRequest(MODEL, [t("image", "FP32", [1, 4], 16), mask(1)]),
    "invalid",
    "shape_mismatch",
  );
  assert.deepEqual(dim.extra, { expected: [-1, 3], given: [1, 4] });
});

Deno.test("a byte length that does not match the shape is invalid: element_count_mismatch", () => {
  // [2, 3] FP32 needs 2 × 3 × 4 = 24 bytes.
  const err = domainErrorFrom(
    () => validateRequest(MODEL, [t("image", "FP32", [2, 3], 20), mask(2)]),
    "invalid",
    "element_count_mismatch",
  );
  assert.deepEqual(err.extra, { expected: 24, given: 20 });
});

Deno.test("a batch over max_batch_size or of 0 rows is invalid: batch_size_out_of_range", () => {
  const over = domainErrorFrom(
    () => validateRequest(MODEL, [image(5), mask(5)]),
    "invalid",
    "batch_size_out_of_range",
  );
  assert.deepEqual(over.extra, { expected: 4, given: 5 });
  const zero = domainErrorFrom(
    () => validateRequest(MODEL, [image(0), mask(0)]),
    "invalid",
    "batch_size_out_of_range",
  );
  assert.deepEqual(zero.extra, { expected: 4, given: 0 });
});

Deno.test("inputs disagreeing on the batch size is invalid: batch_size_mismatch", () => {
  domainErrorFrom(
    () => validateRequest(MODEL, [image(2), mask(3)]),
    "invalid",
    "batch_size_mismatch",
  );
});

Deno.test("an unknown requested output is invalid: unknown_output", () => {
  const err = domainErrorFrom(
    () => validateRequest(MODEL, [image(1), mask(1)], ["probs", "logits"]),
    "invalid",
    "unknown_output",
  );
  assert.deepEqual(err.extra, { expected: ["probs", "label"], given: "logits" });
});

Deno.test("a model without batching (max_batch_size 0) reports 1 row whatever dim 0 is", () => {
  const whole: ModelSignature = {
    name: "whole",
    inputs: [{ name: "x", datatype: "FP32", shape: [8, 2] }],
    outputs: [{ name: "y", datatype: "FP32", shape: [8] }],
    maxBatchSize: 0,
  };
  const result = validateRequest(whole, [t("x", "FP32", [8, 2], 64)]);
  assert.equal(result.rows, 1);
  // dim 0 is a fixed dim here, not a batch: a different value is a shape mismatch.
  domainErrorFrom(
    () => validateRequest(whole, [t("x", "FP32", [9, 2], 72)]),
    "invalid",
    "shape_mismatch",
  );
});
