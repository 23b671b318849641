/**
 * The trained scorer as an ONNX graph for the worker pool: user vectors against every item
 * vector, top-K inside the graph.
 *
 *   scores = user · itemVectorsᵀ          user [batch, d + 1], itemVectors [numItems, d + 1]
 *   (scores, itemIndices) = TopK(scores, min(k, numItems), axis −1, largest, sorted)
 *
 * The item vectors are an initializer (`item_vectors`), so a new solution version is a new
 * model file; `itemIndices` (int64) index the catalogue the model was trained on. Opset 17.
 * @module
 */
import { createGraphBuilder, type onnx } from "@edgeml/shared/onnx";

export interface ScorerOptions {
  /** How many items the graph returns per user (capped at the catalogue size). */
  k: number;
  /** Graph and producer metadata. */
  name?: string;
}

/** Input and output names of the exported scorer. */
export const SCORER_IO = {
  user: "user_vector",
  scores: "scores",
  items: "item_indices",
} as const;

/**
 * Builds the scorer from item vectors ([numItems, width], e.g. `itemVectors(model)` with
 * width d + 1).
 *
 * @example
 * ```ts
 * const model = buildScorerModel(itemVectors(trained), trained.dim + 1, { k: 25 });
 * await Deno.writeFile("model.onnx", encodeModel(model));
 * ```
 */
export function buildScorerModel(
  vectors: Float32Array,
  width: number,
  { k, name = "recommendations_scorer" }: ScorerOptions,
): onnx.ModelProto {
  const numItems = vectors.length / width;
  if (!Number.isInteger(numItems) || numItems < 1) {
    throw new RangeError(`item vectors of length ${vectors.length} are not [n, ${width}], n ≥ 1`);
  }
  const kept = Math.min(k, numItems);
  const b = createGraphBuilder(name);
  const user = b.input(SCORER_IO.user, "float32", ["batch", width]);
  const items = b.initializer("item_vectors", vectors, [numItems, width]);
  const scores = b.gemm(user, items, undefined, { transB: true });
  const top = b.topK(scores, kept, {
    axis: -1,
    largest: true,
    sorted: true,
    valuesName: SCORER_IO.scores,
    indicesName: SCORER_IO.items,
  });
  b.output(top.values, SCORER_IO.scores, "float32", ["batch", kept]);
  b.output(top.indices, SCORER_IO.items, "int64", ["batch", kept]);
  return b.build({ producerName: name, docString: "two-tower scorer: TopK(user · itemsᵀ)" });
}
