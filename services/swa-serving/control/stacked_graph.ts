/**
 * One ONNX graph that runs all S sampled weight sets of a SWAG posterior in one execution.
 *
 * Every sample's nodes, initializers and intermediate values are copied under a prefix `s<i>/`;
 * graph inputs are shared, and so is every initializer whose bytes are the same in all samples
 * (shape constants, frozen layers). Each graph output `o` of shape [N, ...rest] becomes
 * `o` of shape [N, S, ...rest]: sample i's `o` is unsqueezed on axis 1 and the S results are
 * concatenated on axis 1, so slot i of the output is exactly what sample i alone computes.
 *
 * @example
 * ```ts
 * const stacked = stackSamples(samples.map((bytes) => decodeModel(bytes)));
 * const session = await ort.InferenceSession.create(encodeModel(stacked));
 * ```
 * @module
 */
import { invalid, unprocessable } from "@edgeml/shared/errors";
import { createTensor, onnx } from "@edgeml/shared/onnx";

const AttrType = onnx.AttributeProto.AttributeType;

type Int = number | { toString(): string } | null | undefined;
const toNumber = (v: Int): number => (typeof v === "number" ? v : Number(v?.toString() ?? 0));

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A tensor's type, shape and stored values as bytes, without its name and default fields. */
const tensorContent = (t: onnx.ITensorProto): Uint8Array =>
  onnx.TensorProto.encode({
    ...t,
    name: undefined,
    docString: undefined,
    dataLocation: t.dataLocation || undefined,
  }).finish();

/** A tensor without its values: what must agree between samples of one architecture. */
const tensorShape = (t: onnx.ITensorProto): onnx.ITensorProto => ({
  name: t.name,
  dims: t.dims,
  dataType: t.dataType,
});

/** The graph's structure as bytes: nodes, inputs, outputs, initializer names/types/shapes. */
function skeleton(graph: onnx.IGraphProto): Uint8Array {
  const node = (graph.node ?? []).map((n) => ({
    ...n,
    name: "",
    docString: "",
    attribute: (n.attribute ?? []).map((a) => ({
      ...a,
      t: a.t ? tensorShape(a.t) : a.t,
      tensors: a.tensors?.map(tensorShape),
    })),
  }));
  const initializer = (graph.initializer ?? []).map(tensorShape);
  return onnx.GraphProto.encode({ node, input: graph.input, output: graph.output, initializer })
    .finish();
}

function checkSupported(graph: onnx.IGraphProto): void {
  if ((graph.sparseInitializer ?? []).length > 0) {
    throw unprocessable("unsupported_graph", "graphs with sparse initializers cannot be stacked");
  }
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.type === AttrType.GRAPH || a.type === AttrType.GRAPHS || a.g || a.graphs?.length) {
        throw unprocessable(
          "unsupported_graph",
          `node "${n.name}" (${n.opType}) has a subgraph; If/Loop/Scan cannot be stacked`,
        );
      }
    }
  }
}

/** [N, ...rest] → [N, S, ...rest]; an unknown shape stays unknown. */
function stackedOutput(o: onnx.IValueInfoProto, samples: number): onnx.IValueInfoProto {
  const tensor = o.type?.tensorType;
  if (!tensor) throw unprocessable("unsupported_graph", `output "${o.name}" is not a tensor`);
  const dim = tensor.shape?.dim;
  if (dim && dim.length === 0) {
    throw unprocessable("unsupported_graph", `output "${o.name}" is a scalar, not [N, ...]`);
  }
  const shape = dim ? { dim: [dim[0], { dimValue: samples }, ...dim.slice(1)] } : tensor.shape;
  return { ...o, type: { ...o.type, tensorType: { ...tensor, shape } } };
}

/** A graph input declaring an initializer, as IR versions below 4 require. */
const initializerInput = (t: onnx.ITensorProto): onnx.IValueInfoProto => ({
  name: t.name,
  type: {
    tensorType: {
      elemType: t.dataType,
      shape: { dim: (t.dims ?? []).map((d) => ({ dimValue: d })) },
    },
  },
});

/**
 * Stacks S models of one architecture (same nodes, inputs, outputs; only initializer values
 * differ) into one model whose outputs carry a sample axis 1. Opset imports, ir_version and
 * metadata come from the first model. Inputs that merely declare an initializer are not inputs
 * of the stacked graph.
 *
 * @throws {DomainError} `invalid/no_samples` for no models; `unprocessable/architecture_mismatch`
 *   when the graphs differ in more than initializer values; `unprocessable/unsupported_graph` for
 *   subgraphs (If/Loop/Scan), sparse initializers, scalar or non-tensor outputs.
 */
export function stackSamples(models: readonly onnx.IModelProto[]): onnx.ModelProto {
  if (models.length === 0) throw invalid("no_samples", "stacking needs at least one model");
  const graphs = models.map((m, i) => {
    if (!m.graph) throw unprocessable("unsupported_graph", `model ${i} has no graph`);
    return m.graph;
  });
  const [first] = graphs;
  checkSupported(first);
  const reference = skeleton(first);
  graphs.forEach((g, i) => {
    if (i > 0 && !sameBytes(skeleton(g), reference)) {
      throw unprocessable(
        "architecture_mismatch",
        `model ${i} differs from model 0 in more than its initializer values`,
      );
    }
  });

  const S = models.length;
  const tensors = graphs.map((g) => new Map((g.initializer ?? []).map((t) => [t.name ?? "", t])));
  const shared = new Set<string>();
  for (const [name, t] of tensors[0]) {
    const bytes = tensorContent(t);
    if (tensors.slice(1).every((m) => sameBytes(tensorContent(m.get(name)!), bytes))) {
      shared.add(name);
    }
  }
  const inputs = (first.input ?? []).filter((v) => !tensors[0].has(v.name ?? ""));
  const used = new Set<string>([...inputs.map((v) => v.name ?? ""), ...shared]);
  for (const o of first.output ?? []) {
    if (used.has(o.name ?? "")) {
      throw unprocessable("unsupported_graph", `output "${o.name}" is a graph input or constant`);
    }
    used.add(o.name ?? "");
  }
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };

  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [...shared].map((name) => tensors[0].get(name)!);
  const valueInfo: onnx.IValueInfoProto[] = [];
  const perSample: string[][] = []; // [sample][output] → value name
  graphs.forEach((g, s) => {
    const rename = new Map<string, string>();
    for (const t of g.initializer ?? []) {
      if (shared.has(t.name ?? "")) continue;
      const name = fresh(`s${s}/${t.name}`);
      rename.set(t.name ?? "", name);
      initializer.push(onnx.TensorProto.create({ ...t, name }));
    }
    for (const n of g.node ?? []) {
      for (const v of n.output ?? []) if (v !== "") rename.set(v, fresh(`s${s}/${v}`));
    }
    const r = (v: string) => rename.get(v) ?? v;
    for (const n of g.node ?? []) {
      const name = n.name ? `s${s}/${n.name}` : n.name;
      node.push({ ...n, name, input: (n.input ?? []).map(r), output: (n.output ?? []).map(r) });
    }
    for (const v of g.valueInfo ?? []) {
      if (rename.has(v.name ?? "")) valueInfo.push({ ...v, name: r(v.name ?? "") });
    }
    perSample.push((first.output ?? []).map((o) => r(o.name ?? "")));
  });

  const opset = (models[0].opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  const axesInput = toNumber(opset?.version) >= 13;
  const axes = axesInput ? fresh("stack/axes") : "";
  if (axesInput) initializer.push(createTensor(axes, BigInt64Array.of(1n), [1]));
  const output = (first.output ?? []).map((o, k) => {
    const name = o.name ?? "";
    const parts = perSample.map((values, s) => {
      const out = S === 1 ? name : fresh(`s${s}/${name}/unsqueezed`);
      node.push({
        opType: "Unsqueeze",
        name: `stack/unsqueeze/s${s}/${name}`,
        input: axesInput ? [values[k], axes] : [values[k]],
        output: [out],
        attribute: axesInput ? [] : [{ name: "axes", type: AttrType.INTS, ints: [1] }],
      });
      return out;
    });
    if (S > 1) {
      node.push({
        opType: "Concat",
        name: `stack/concat/${name}`,
        input: parts,
        output: [name],
        attribute: [{ name: "axis", type: AttrType.INT, i: 1 }],
      });
    }
    return stackedOutput(o, S);
  });

  if (toNumber(models[0].irVersion) < 4) inputs.push(...initializer.map(initializerInput));
  const graph = { name: first.name, docString: first.docString, input: inputs, output };
  return onnx.ModelProto.create({
    ...models[0],
    trainingInfo: [],
    graph: onnx.GraphProto.create({ ...graph, node, initializer, valueInfo }),
  });
}
