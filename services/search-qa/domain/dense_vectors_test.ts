import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { decodeDenseVectors, encodeDenseVectors, normalize } from "./dense_vectors.ts";
import type { DenseEncoderConfig } from "./dense_encoder.ts";

const ENCODER: DenseEncoderConfig = {
  model: "search-town-encoder",
  version: 2,
  inputs: [{ name: "input_ids", role: "input_ids", datatype: "INT64" }],
  output: "last_hidden_state",
  pooling: "mean",
  maxTokens: 64,
  dimension: 3,
};

Deno.test("dense vectors survive the artifact round trip, ids, values and encoder alike", () => {
  const data = Float32Array.of(1, 0, 0, 0, 0.6, 0.8);
  const bytes = encodeDenseVectors({
    ids: ["faq.a.0", "doc.é.1"],
    dimension: 3,
    data,
    encoder: ENCODER,
  });
  // Decoding from an unaligned copy still works (the values are copied out).
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const back = decodeDenseVectors(shifted.subarray(1));
  assert.deepEqual(back.ids, ["faq.a.0", "doc.é.1"]);
  assert.equal(back.dimension, 3);
  assert.deepEqual([...back.data], [...data]);
  assert.deepEqual(back.encoder, ENCODER);
});

Deno.test("a truncated or mislabelled vectors artifact is refused, not misread", () => {
  const bytes = encodeDenseVectors({
    ids: ["a"],
    dimension: 3,
    data: Float32Array.of(1, 0, 0),
    encoder: ENCODER,
  });
  domainErrorFrom(
    () => decodeDenseVectors(bytes.subarray(0, bytes.length - 4)),
    "failed",
    "vectors_corrupt",
  );
  domainErrorFrom(() => decodeDenseVectors(bytes.subarray(0, 2)), "failed", "vectors_corrupt");
  assert.throws(() =>
    encodeDenseVectors({
      ids: ["a", "b"],
      dimension: 3,
      data: new Float32Array(3),
      encoder: ENCODER,
    })
  );
});

Deno.test("normalize scales to unit length and leaves a zero vector alone", () => {
  assert.deepEqual([...normalize(Float32Array.of(3, 4))], [0.6000000238418579, 0.800000011920929]);
  assert.deepEqual([...normalize(new Float32Array(2))], [0, 0]);
});
