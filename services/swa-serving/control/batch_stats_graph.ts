/**
 * Rewrites a model for BatchNorm recalibration: every BatchNormalization node becomes
 * normalisation by its batch's own statistics (what PyTorch's BN does in train mode), and each
 * node's batch mean, biased variance and element count are exposed as extra graph outputs.
 * Running calibration batches through the result reproduces `update_bn`'s forward pass: deeper
 * layers see batch-normalised activations, exactly as in PyTorch.
 *
 * Per BN node with input X (any rank ≥ 2, channels on axis 1) and C channels:
 *   X₃ = reshape(X, [N, C, −1]);  μ = mean(X₃, axes 0,2);  σ² = mean((X₃ − μ)², axes 0,2)
 *   Y  = reshape(scale·(X₃ − μ)/√(σ² + ε) + B, shape(X))
 *
 * Dropout nodes (present only in exports that kept them, see serving_graph.ts) run in the mode
 * given: off by default (the served model's forward pass), or on with a seed, as torch's
 * update_bn runs them (it puts the whole model in train mode).
 */
import { unprocessable } from "@edgeml/shared/errors";
import { createTensor, decodeModel, encodeModel, getInitializer, onnx } from "@edgeml/shared/onnx";
import { type DropoutMode, setDropoutMode } from "./serving_graph.ts";

export interface BatchNormSite {
  /** The running-mean and running-variance initializers to overwrite. */
  meanName: string;
  varName: string;
  channels: number;
  /** Graph outputs carrying this node's batch statistics. */
  meanOutput: string;
  varOutput: string;
  sizeOutput: string;
}

export interface BatchStatsGraph {
  model: onnx.ModelProto;
  sites: BatchNormSite[];
  /** How many Dropout nodes the model has (all set to the requested mode). */
  dropoutNodes: number;
}

const AttributeType = onnx.AttributeProto.AttributeType;

function opsetOf(model: onnx.IModelProto): number {
  const entry = model.opsetImport?.find((o) => !o.domain || o.domain === "ai.onnx");
  return Number(entry?.version ?? 17);
}

function floatAttribute(node: onnx.INodeProto, name: string, fallback: number): number {
  const attribute = node.attribute?.find((a) => a.name === name);
  return attribute?.f ?? fallback;
}

export function buildBatchStatsGraph(
  source: onnx.IModelProto,
  dropout: DropoutMode = { training: false },
): BatchStatsGraph {
  const model = decodeModel(encodeModel(source));
  const dropoutNodes = setDropoutMode(model, dropout);
  const graph = model.graph!;
  const opset = opsetOf(model);
  const nodes: onnx.INodeProto[] = [];
  const sites: BatchNormSite[] = [];
  const initializers: onnx.ITensorProto[] = [];
  const reduceAxes = (prefix: string): { inputs: string[]; attributes: onnx.IAttributeProto[] } => {
    // ReduceMean's axes moved from an attribute to an input in opset 18.
    if (opset < 18) {
      return {
        inputs: [],
        attributes: [{ name: "axes", type: AttributeType.INTS, ints: [0, 2] }],
      };
    }
    const name = `${prefix}/axes`;
    initializers.push(createTensor(name, new BigInt64Array([0n, 2n]), [2], "int64"));
    return { inputs: [name], attributes: [] };
  };
  const keepdims = { name: "keepdims", type: AttributeType.INT, i: 1 };

  for (const node of graph.node ?? []) {
    if (node.opType !== "BatchNormalization") {
      nodes.push(node);
      continue;
    }
    const [x, scale, bias, meanName, varName] = node.input ?? [];
    const [y] = node.output ?? [];
    if (!x || !scale || !bias || !meanName || !varName || !y) {
      throw unprocessable(
        "invalid_batch_norm",
        `BatchNormalization node '${node.name}' lacks inputs`,
      );
    }
    let channels: number;
    try {
      channels = getInitializer(model, scale).data.length;
    } catch {
      throw unprocessable(
        "invalid_batch_norm",
        `BatchNormalization '${node.name}': scale '${scale}' is not an initializer`,
      );
    }
    const p = `__bn${sites.length}`;
    const epsilon = floatAttribute(node, "epsilon", 1e-5);
    initializers.push(
      createTensor(`${p}/shape3`, new BigInt64Array([0n, BigInt(channels), -1n]), [3], "int64"),
      createTensor(`${p}/shapeC`, new BigInt64Array([1n, BigInt(channels), 1n]), [3], "int64"),
      createTensor(`${p}/flatC`, new BigInt64Array([BigInt(channels)]), [1], "int64"),
      createTensor(`${p}/epsilon`, new Float32Array([epsilon]), [], "float32"),
    );
    const mean = reduceAxes(`${p}/mean`);
    const variance = reduceAxes(`${p}/var`);
    const site: BatchNormSite = {
      meanName,
      varName,
      channels,
      meanOutput: `${p}/batch_mean`,
      varOutput: `${p}/batch_var`,
      sizeOutput: `${p}/size`,
    };
    const n = (
      opType: string,
      input: string[],
      output: string[],
      attribute: onnx.IAttributeProto[] = [],
    ) =>
      nodes.push({ opType, input, output, attribute, name: `${p}/${output[0].split("/").pop()}` });
    n("Reshape", [x, `${p}/shape3`], [`${p}/x3`]);
    n("ReduceMean", [`${p}/x3`, ...mean.inputs], [`${p}/mu`], [...mean.attributes, keepdims]);
    n("Sub", [`${p}/x3`, `${p}/mu`], [`${p}/d`]);
    n("Mul", [`${p}/d`, `${p}/d`], [`${p}/d2`]);
    n("ReduceMean", [`${p}/d2`, ...variance.inputs], [`${p}/sigma2`], [
      ...variance.attributes,
      keepdims,
    ]);
    n("Add", [`${p}/sigma2`, `${p}/epsilon`], [`${p}/sigma2eps`]);
    n("Sqrt", [`${p}/sigma2eps`], [`${p}/std`]);
    n("Div", [`${p}/d`, `${p}/std`], [`${p}/xhat`]);
    n("Reshape", [scale, `${p}/shapeC`], [`${p}/gamma`]);
    n("Reshape", [bias, `${p}/shapeC`], [`${p}/beta`]);
    n("Mul", [`${p}/xhat`, `${p}/gamma`], [`${p}/scaled`]);
    n("Add", [`${p}/scaled`, `${p}/beta`], [`${p}/y3`]);
    n("Shape", [x], [`${p}/xshape`]);
    n("Reshape", [`${p}/y3`, `${p}/xshape`], [y]);
    n("Reshape", [`${p}/mu`, `${p}/flatC`], [site.meanOutput]);
    n("Reshape", [`${p}/sigma2`, `${p}/flatC`], [site.varOutput]);
    n("Size", [x], [site.sizeOutput]);
    sites.push(site);
  }
  graph.node = nodes as onnx.NodeProto[];
  // The running statistics feed nothing any more; dropping them keeps the runtime quiet.
  const used = new Set(nodes.flatMap((node) => node.input ?? []));
  graph.initializer = [
    ...(graph.initializer ?? []).filter((t) => used.has(t.name!)),
    ...initializers,
  ] as onnx.TensorProto[];
  const output = (name: string, elemType: number): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType } },
  });
  graph.output = [
    ...(graph.output ?? []),
    ...sites.flatMap((s) => [
      output(s.meanOutput, onnx.TensorProto.DataType.FLOAT),
      output(s.varOutput, onnx.TensorProto.DataType.FLOAT),
      output(s.sizeOutput, onnx.TensorProto.DataType.INT64),
    ]),
  ] as onnx.ValueInfoProto[];
  return { model, sites, dropoutNodes };
}
