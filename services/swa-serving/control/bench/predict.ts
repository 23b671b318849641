/** Class probabilities of an ONNX classifier (output "logits") on rows, via ONNX Runtime. */
import * as ort from "onnxruntime-node";
import { softmax } from "@edgeml/shared/eval";
import { encodeModel, type onnx } from "@edgeml/shared/onnx";

export async function predictProbabilities(
  model: onnx.IModelProto,
  rows: Float32Array,
  rowShape: number[],
  classes = 10,
): Promise<Float64Array> {
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const input = new ort.Tensor("float32", rows, [rows.length / rowSize, ...rowShape]);
    const out = await session.run({ [session.inputNames[0]]: input });
    return softmax(out[session.outputNames[0]].data as Float32Array, classes);
  } finally {
    await session.release();
  }
}
