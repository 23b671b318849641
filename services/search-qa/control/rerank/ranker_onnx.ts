/**
 * The trained re-ranker as an ONNX graph, standardisation folded into the first layer:
 *
 *   x̂ W1 + b1 = ((x − μ) / σ) W1 + b1 = x W1′ + b1′,   W1′[f, :] = W1[f, :] / σ_f,
 *                                                       b1′ = b1 − Σ_f (μ_f / σ_f) W1[f, :]
 *
 *   features [batch, F] → Gemm(W1′, b1′) → Relu → Gemm(W2, b2) → Sigmoid → score [batch, 1]
 *
 * (opset 17, float32 weights; the fold is computed in float64 and rounded once.)
 *
 * @example
 * ```ts
 * const bytes = rankerOnnx(trained.weights, "search-city-reranker");
 * ```
 */
import { createGraphBuilder, encodeModel } from "@edgeml/shared/onnx";
import type { RankerWeights } from "./train_ranker.ts";

export function rankerOnnx(w: RankerWeights, name: string): Uint8Array {
  const { features: F, hidden: H } = w;
  const w1 = new Float32Array(F * H);
  const b1 = Float64Array.from(w.b1);
  for (let f = 0; f < F; f++) {
    for (let h = 0; h < H; h++) {
      const v = w.w1[f * H + h];
      w1[f * H + h] = v / w.std[f];
      b1[h] -= (w.mean[f] / w.std[f]) * v;
    }
  }
  const g = createGraphBuilder(name);
  const x = g.input("features", "float32", [-1, F]);
  const hidden = g.relu(
    g.gemm(
      x,
      g.initializer("fc1.weight", w1, [F, H]),
      g.initializer("fc1.bias", Float32Array.from(b1), [H]),
    ),
  );
  const z = g.gemm(
    hidden,
    g.initializer("fc2.weight", w.w2, [H, 1]),
    g.initializer("fc2.bias", Float32Array.of(w.b2), [1]),
  );
  g.output(g.sigmoid(z), "score", "float32", [-1, 1]);
  return encodeModel(g.build({ opset: 17, producerName: "edgeml-search-qa" }));
}
