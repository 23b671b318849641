/**
 * A small seeded conv net for the CUDA-vs-CPU benchmark: the MLP there is all matrix products,
 * this one is convolutions (cuDNN on the GPU). Its input is flat, `"input"` float32
 * `[batch, channels * size * size]`, so the load generator and raw-ORT timing that feed the MLP
 * rows feed it unchanged; the graph reshapes to NCHW first.
 *
 *   Reshape → 3 × (Conv 3×3 pad 1 → Relu → MaxPool 2) → GlobalAveragePool → Flatten → Gemm → Softmax
 */
import { createGraphBuilder, mulberry32, type onnx } from "@edgeml/shared/onnx";

export interface ConvNetSpec {
  name: string;
  /** Input channels (3 for RGB). */
  channels: number;
  /** Height and width of the square input image; a multiple of 8 (three 2× poolings). */
  size: number;
  /** Output channels of the three conv layers. */
  widths: readonly [number, number, number];
  numClasses: number;
  seed: number;
}

export const BENCH_CONV_NET: Readonly<ConvNetSpec> = Object.freeze({
  name: "conv",
  channels: 3,
  size: 64,
  widths: [64, 128, 256] as const,
  numClasses: 10,
  seed: 11,
});

/** Flat input width of the net: what a request row carries. */
export function convNetInputWidth(spec: ConvNetSpec): number {
  return spec.channels * spec.size * spec.size;
}

export function buildConvNet(spec: ConvNetSpec): onnx.ModelProto {
  if (!Number.isInteger(spec.size) || spec.size < 8 || spec.size % 8 !== 0) {
    throw new RangeError(`size must be a positive multiple of 8, got ${spec.size}`);
  }
  const random = mulberry32(spec.seed);
  const uniform = (length: number, bound: number) =>
    Float32Array.from({ length }, () => (random() * 2 - 1) * bound);

  const b = createGraphBuilder(spec.name);
  const input = b.input("input", "float32", [-1, convNetInputWidth(spec)]);
  let h = b.reshape(input, [-1, spec.channels, spec.size, spec.size], { name: "image" });
  let inChannels = spec.channels;
  spec.widths.forEach((outChannels, i) => {
    const fanIn = inChannels * 9;
    // Kaiming/He bounds keep activations O(1) through the stack, as the demo MLPs do.
    const w = b.initializer(
      `conv${i + 1}.weight`,
      uniform(outChannels * fanIn, Math.sqrt(6 / fanIn)),
      [
        outChannels,
        inChannels,
        3,
        3,
      ],
    );
    const bias = b.initializer(`conv${i + 1}.bias`, uniform(outChannels, 1 / Math.sqrt(fanIn)), [
      outChannels,
    ]);
    h = b.conv(h, w, bias, { kernelShape: [3, 3], pads: [1, 1, 1, 1], name: `conv${i + 1}` });
    h = b.relu(h, { name: `relu${i + 1}` });
    h = b.maxPool(h, { kernelShape: [2, 2], strides: [2, 2], name: `pool${i + 1}` });
    inChannels = outChannels;
  });
  h = b.flatten(b.globalAveragePool(h, { name: "gap" }), { name: "features" });
  const w = b.initializer(
    "fc.weight",
    uniform(inChannels * spec.numClasses, Math.sqrt(3 / inChannels)),
    [
      inChannels,
      spec.numClasses,
    ],
  );
  const bias = b.initializer("fc.bias", uniform(spec.numClasses, 1 / Math.sqrt(inChannels)), [
    spec.numClasses,
  ]);
  const logits = b.gemm(h, w, bias, { name: "logits" });
  b.output(b.softmax(logits, { axis: 1 }), "probabilities", "float32", [-1, spec.numClasses]);
  return b.build({
    opset: 17,
    producerName: "edgeml",
    docString: `Seeded benchmark conv net (seed ${spec.seed}).`,
  });
}
