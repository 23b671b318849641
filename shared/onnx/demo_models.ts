import { createGraphBuilder } from "./graph_builder.ts";
import { mulberry32 } from "./prng.ts";
import type { onnx } from "./proto.ts";

/** Shape and seed of a fully connected softmax classifier. */
export interface MlpClassifierSpec {
  /** Graph name; also the model's name in the product. */
  name: string;
  inputSize: number;
  /** Width of each hidden Gemm+Relu layer, in order (may be empty: plain softmax regression). */
  hiddenSizes: readonly number[];
  numClasses: number;
  /** PRNG seed: the same spec always yields byte-identical weights. */
  seed: number;
}

/** The demo models the product ships: a tiny one for fast checks and a ~1.9M-parameter one. */
export const DEMO_MODELS: readonly Readonly<MlpClassifierSpec>[] = Object.freeze([
  Object.freeze({
    name: "mlp_small",
    inputSize: 16,
    hiddenSizes: Object.freeze([32]),
    numClasses: 3,
    seed: 0x5eed0001,
  }),
  Object.freeze({
    name: "mlp_large",
    inputSize: 784,
    hiddenSizes: Object.freeze([1024, 1024]),
    numClasses: 10,
    seed: 0x5eed0002,
  }),
]);

function checkSize(label: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${label} must be a positive integer, got ${value}`);
  }
}

/**
 * Builds a seeded MLP classifier: input `"input"` float32 `[batch, inputSize]`, hidden layers
 * `Gemm → Relu`, a final `Gemm` to logits, and output `"probabilities"` float32
 * `[batch, numClasses]` from `Softmax(axis=1)`.
 *
 * Layer `i` (1-based) has initializers `fc<i>.weight` `[in, out]` (used with transB=0) and
 * `fc<i>.bias` `[out]`. Weights are drawn uniformly from ±sqrt(6/in) for hidden layers
 * (Kaiming/He for ReLU) and ±sqrt(3/in) for the output layer, biases from ±1/sqrt(in); this
 * keeps activations O(1) through depth, so the softmax is not saturated. Values are drawn from
 * one mulberry32 stream, layer by layer, weight then bias, in row-major order.
 */
export function buildMlpClassifier(spec: MlpClassifierSpec): onnx.ModelProto {
  checkSize("inputSize", spec.inputSize);
  checkSize("numClasses", spec.numClasses);
  spec.hiddenSizes.forEach((size, i) => checkSize(`hiddenSizes[${i}]`, size));
  const random = mulberry32(spec.seed);
  const uniform = (length: number, bound: number) =>
    Float32Array.from({ length }, () => (random() * 2 - 1) * bound);

  const b = createGraphBuilder(spec.name);
  let h = b.input("input", "float32", [-1, spec.inputSize]);
  const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.numClasses];
  for (let layer = 1; layer < sizes.length; layer++) {
    const fanIn = sizes[layer - 1];
    const fanOut = sizes[layer];
    const isOutput = layer === sizes.length - 1;
    const weightBound = Math.sqrt((isOutput ? 3 : 6) / fanIn);
    const w = b.initializer(`fc${layer}.weight`, uniform(fanIn * fanOut, weightBound), [
      fanIn,
      fanOut,
    ]);
    const bias = b.initializer(`fc${layer}.bias`, uniform(fanOut, 1 / Math.sqrt(fanIn)), [fanOut]);
    const z = b.gemm(h, w, bias, { transB: false, name: isOutput ? "logits" : `fc${layer}` });
    h = isOutput ? z : b.relu(z, { name: `relu${layer}` });
  }
  const probabilities = b.softmax(h, { axis: 1 });
  b.output(probabilities, "probabilities", "float32", [-1, spec.numClasses]);
  return b.build({
    opset: 17,
    producerName: "edgeml",
    docString: `Seeded demo MLP classifier (seed ${spec.seed}).`,
  });
}
