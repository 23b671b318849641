/**
 * What a checkpoint's graph takes and gives: its data input (graph inputs that are not
 * initializers) and outputs, with static dims as numbers and symbolic ones as null. Checked
 * against the model's registration before a checkpoint is accepted.
 */
import { unprocessable } from "@edgeml/shared/errors";
import type { onnx } from "@edgeml/shared/onnx";

export interface TensorSignature {
  name: string;
  dims: (number | null)[];
}

function signatureOf(value: onnx.IValueInfoProto): TensorSignature {
  const dims = value.type?.tensorType?.shape?.dim ?? [];
  return {
    name: value.name ?? "",
    dims: dims.map((d) => (d.dimValue != null && !d.dimParam ? Number(d.dimValue) : null)),
  };
}

export function graphInputs(model: onnx.IModelProto): TensorSignature[] {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? []).filter((i) => !initializers.has(i.name)).map(signatureOf);
}

export function graphOutputs(model: onnx.IModelProto): TensorSignature[] {
  return (model.graph?.output ?? []).map(signatureOf);
}

export interface ModelShapeSpec {
  input: { name?: string; shape: number[] };
  task: "classification" | "regression";
  labels?: string[];
  regressionVariance: "none" | "variance" | "log_variance";
}

/**
 * The input rows are fed to and the output read, checked against the registration: one data
 * input (or the named one) whose dims after the batch match the registered row shape, and an
 * output row as wide as the labels (classification) or an even width (regression with variance).
 */
export function checkSignature(
  model: onnx.IModelProto,
  spec: ModelShapeSpec,
): {
  inputName: string;
  outputName: string;
  outputWidth: number | null;
  outputIsProbability: boolean;
} {
  const inputs = graphInputs(model);
  const input = spec.input.name ? inputs.find((i) => i.name === spec.input.name) : inputs[0];
  if (!input) {
    throw unprocessable(
      "input_not_found",
      spec.input.name
        ? `the checkpoint has no graph input '${spec.input.name}'; it has ${
          inputs.map((i) => i.name).join(", ") || "none"
        }`
        : "the checkpoint's graph has no data input",
    );
  }
  if (inputs.length > 1) {
    throw unprocessable(
      "multiple_inputs",
      `the checkpoint's graph takes ${inputs.length} data inputs (${
        inputs.map((i) => i.name).join(", ")
      }); SWA serving feeds one`,
    );
  }
  const row = input.dims.slice(1);
  const fits = row.length === spec.input.shape.length &&
    row.every((d, i) => d === null || d === spec.input.shape[i]);
  if (!fits) {
    throw unprocessable(
      "input_shape_mismatch",
      `the checkpoint's input '${input.name}' takes rows of [${
        row.map((d) => d ?? "?").join(", ")
      }]; the model was registered with rows of [${spec.input.shape.join(", ")}]`,
    );
  }
  const [output] = graphOutputs(model);
  if (!output) throw unprocessable("output_not_found", "the checkpoint's graph has no output");
  const width = output.dims.length === 2 ? output.dims[1] : null;
  if (output.dims.length > 2) {
    throw unprocessable(
      "output_shape_unsupported",
      `output '${output.name}' has ${output.dims.length} dims; SWA serving reads [batch, width]`,
    );
  }
  if (width !== null && spec.task === "classification" && spec.labels) {
    if (width !== spec.labels.length) {
      throw unprocessable(
        "output_shape_mismatch",
        `output '${output.name}' gives ${width} classes; the model was registered with ${spec.labels.length} labels`,
      );
    }
  }
  if (
    width !== null && spec.task === "regression" && spec.regressionVariance !== "none" &&
    width % 2 !== 0
  ) {
    throw unprocessable(
      "output_shape_mismatch",
      `output '${output.name}' is ${width} wide; with a predicted variance it must be 2·targets`,
    );
  }
  // A classifier that ends in Softmax answers probabilities, not logits.
  const producer = (model.graph?.node ?? []).find((n) => n.output?.includes(output.name));
  return {
    inputName: input.name,
    outputName: output.name,
    outputWidth: width,
    outputIsProbability: spec.task === "classification" && producer?.opType === "Softmax",
  };
}
