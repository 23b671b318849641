import { dataTypeCode, type DataTypeName, type TensorData } from "./dtypes.ts";
import { onnx } from "./proto.ts";
import { createTensor } from "./tensor_codec.ts";

/**
 * A tensor dimension in a graph input/output: a size, a symbolic name (`"batch"`), or `-1` for
 * "dynamic" (written as `dim_param` `"batch"` on axis 0 and `"<value>_dim<axis>"` elsewhere).
 */
export type Dim = number | string;

/**
 * A node attribute. Numbers are stored as INT when integral and FLOAT otherwise, so a float
 * attribute with an integral value (e.g. `alpha: 2`) must be written `{ float: 2 }`; likewise
 * `{ floats: [...] }`. Arrays of integers become INTS, strings STRING(S), tensors TENSOR.
 */
export type AttributeValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | onnx.ITensorProto;

/** Attributes of a node by name; `undefined` entries are skipped (the ONNX default applies). */
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

/** Common option of single-output ops: the output value's name (generated when omitted). */
export interface NameOption {
  name?: string;
}

/** Options of {@link GraphBuilder.gemm}. */
export interface GemmOptions extends NameOption {
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
}

/** Options of {@link GraphBuilder.conv}. */
export interface ConvOptions extends NameOption {
  kernelShape?: readonly number[];
  strides?: readonly number[];
  /** `[x1_begin, x2_begin, ..., x1_end, x2_end, ...]`. */
  pads?: readonly number[];
  dilations?: readonly number[];
  group?: number;
}

/** Options of {@link GraphBuilder.maxPool}. */
export interface MaxPoolOptions extends NameOption {
  kernelShape: readonly number[];
  strides?: readonly number[];
  pads?: readonly number[];
  dilations?: readonly number[];
  ceilMode?: boolean;
}

/** Options of {@link GraphBuilder.batchNormalization}. */
export interface BatchNormalizationOptions extends NameOption {
  epsilon?: number;
  momentum?: number;
}

/** Options of {@link GraphBuilder.topK}. */
export interface TopKOptions {
  axis?: number;
  largest?: boolean;
  sorted?: boolean;
  valuesName?: string;
  indicesName?: string;
}

/** Options of {@link GraphBuilder.node}. */
export interface NodeOptions {
  /** Operator domain; `""` (default) is the standard ONNX domain. */
  domain?: string;
  /** Node name (generated when omitted). */
  nodeName?: string;
}

/** Options of {@link GraphBuilder.build}. */
export interface BuildOptions {
  /** Default-domain opset version (default 17). */
  opset?: number;
  /** IR version (default 8, the newest onnx-proto and widely supported runtimes know). */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** Extra operator sets, for nodes in custom domains. */
  extraOpsets?: readonly { domain: string; version: number }[];
}

interface NodeRecord {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: onnx.IAttributeProto[];
}

interface IoRecord {
  value: string;
  name: string;
  dataType: DataTypeName;
  shape: readonly Dim[];
}

const AttrType = onnx.AttributeProto.AttributeType;

function isIntegral(values: readonly (number | bigint)[]): boolean {
  return values.every((v) => typeof v === "bigint" || Number.isInteger(v));
}

type ProtoInt = NonNullable<onnx.IAttributeProto["i"]>;

/** An int64 attribute value; bigints beyond 2^53 go as low/high words, which protobufjs takes. */
function protoInt(value: number | bigint): ProtoInt {
  if (typeof value === "number") return value;
  const v = BigInt.asIntN(64, value);
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  const words = { low: Number(v & 0xffffffffn) | 0, high: Number((v >> 32n) & 0xffffffffn) | 0 };
  return { ...words, unsigned: false } as unknown as ProtoInt;
}

function attributeProto(name: string, value: AttributeValue): onnx.IAttributeProto {
  const int = protoInt;
  if (typeof value === "number" || typeof value === "bigint") {
    return typeof value === "number" && !Number.isInteger(value)
      ? { name, type: AttrType.FLOAT, f: value }
      : { name, type: AttrType.INT, i: int(value) };
  }
  if (typeof value === "string") {
    return { name, type: AttrType.STRING, s: new TextEncoder().encode(value) };
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === "string")) {
      const encoder = new TextEncoder();
      return { name, type: AttrType.STRINGS, strings: value.map((v) => encoder.encode(v)) };
    }
    const numbers = value as readonly (number | bigint)[];
    return isIntegral(numbers)
      ? { name, type: AttrType.INTS, ints: numbers.map(int) }
      : { name, type: AttrType.FLOATS, floats: numbers.map(Number) };
  }
  if ("float" in value) return { name, type: AttrType.FLOAT, f: value.float };
  if ("floats" in value) return { name, type: AttrType.FLOATS, floats: [...value.floats] };
  return { name, type: AttrType.TENSOR, t: value as onnx.ITensorProto };
}

function attributeList(attributes: Attributes): onnx.IAttributeProto[] {
  const list: onnx.IAttributeProto[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) list.push(attributeProto(name, value));
  }
  return list;
}

function flag(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : value ? 1 : 0;
}

function floatAttr(value: number | undefined): AttributeValue | undefined {
  return value === undefined ? undefined : { float: value };
}

function valueInfo(io: IoRecord): onnx.ValueInfoProto {
  const dim = io.shape.map((d, axis): { dimParam?: string; dimValue?: number } => {
    if (typeof d === "string") return { dimParam: d };
    if (d === -1) return { dimParam: axis === 0 ? "batch" : `${io.name}_dim${axis}` };
    return { dimValue: d };
  });
  return onnx.ValueInfoProto.create({
    name: io.name,
    type: { tensorType: { elemType: dataTypeCode(io.dataType), shape: { dim } } },
  });
}

function checkShape(shape: readonly Dim[]): void {
  for (const d of shape) {
    if (typeof d === "string" ? d === "" : !Number.isSafeInteger(d) || d < -1) {
      throw new RangeError(`invalid dimension ${JSON.stringify(d)} in shape`);
    }
  }
}

/**
 * Builds an ONNX graph op by op without protobuf boilerplate. Values are referred to by name
 * (plain strings); every op returns the name of its output, generated uniquely unless given.
 * Nodes are kept in creation order, which is a valid topological order because an op's inputs
 * must already exist when it is added.
 */
export class GraphBuilder {
  readonly #graphName: string;
  readonly #names = new Set<string>();
  /** Values that may be used as node inputs. */
  readonly #values = new Set<string>();
  /** Values produced by a node (and hence renameable when declared as graph outputs). */
  readonly #nodeOutputs = new Set<string>();
  readonly #inputs: IoRecord[] = [];
  readonly #outputs: IoRecord[] = [];
  readonly #initializers: onnx.TensorProto[] = [];
  readonly #nodes: NodeRecord[] = [];
  #counter = 0;

  constructor(graphName: string) {
    this.#graphName = graphName;
  }

  #claim(name: string): string {
    if (name === "") throw new RangeError("value names must not be empty");
    if (this.#names.has(name)) throw new RangeError(`name "${name}" is already used in the graph`);
    this.#names.add(name);
    return name;
  }

  #fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.#counter++}`; while (this.#names.has(name));
    return this.#claim(name);
  }

  #define(name: string, producedByNode: boolean): string {
    this.#values.add(name);
    if (producedByNode) this.#nodeOutputs.add(name);
    return name;
  }

  /** Declares a graph input and returns its name. `-1` dims are dynamic (see {@link Dim}). */
  input(name: string, dataType: DataTypeName, shape: readonly Dim[]): string {
    checkShape(shape);
    this.#claim(name);
    this.#inputs.push({ value: name, name, dataType, shape: [...shape] });
    return this.#define(name, false);
  }

  /**
   * Adds a named initializer (a weight) holding a copy of `data`; `dims` defaults to 1-D.
   * Pass `dataType: "bool"` for boolean data in a `Uint8Array`.
   */
  initializer(
    name: string,
    data: TensorData,
    dims?: readonly number[],
    dataType?: DataTypeName,
  ): string {
    this.#claim(name);
    try {
      this.#initializers.push(createTensor(name, data, dims, dataType));
    } catch (error) {
      this.#names.delete(name);
      throw error;
    }
    return this.#define(name, false);
  }

  /** Adds an initializer under a generated name, for op parameters such as shapes or `k`. */
  constant(data: TensorData, dims?: readonly number[], dataType?: DataTypeName): string {
    return this.initializer(this.#peekFresh("const"), data, dims, dataType);
  }

  /**
   * Declares `value` as a graph output called `name` with the given type and shape. When the
   * names differ, the producing node's output is renamed at build time (an Identity node is
   * added instead when `value` is a graph input, an initializer, or already an output).
   */
  output(value: string, name: string, dataType: DataTypeName, shape: readonly Dim[]): void {
    this.#requireValue(value, "graph output");
    checkShape(shape);
    if (name !== value) this.#claim(name);
    else if (this.#outputs.some((o) => o.name === name)) {
      throw new RangeError(`"${name}" is already a graph output`);
    }
    this.#outputs.push({ value, name, dataType, shape: [...shape] });
  }

  #requireValue(value: string, usage: string): void {
    if (!this.#values.has(value)) {
      throw new RangeError(`unknown value "${value}" used as ${usage}`);
    }
  }

  /**
   * Adds any operator (escape hatch for ops without a helper). `outputs` is either the output
   * names or how many to generate. Empty-string inputs mark omitted optional inputs.
   *
   * @returns the output value names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number,
    attributes: Attributes = {},
    options: NodeOptions = {},
  ): string[] {
    for (const input of inputs) if (input !== "") this.#requireValue(input, `input of ${opType}`);
    const attributeProtos = attributeList(attributes);
    const nodeName = options.nodeName ?? `${opType}_${this.#nodes.length}`;
    let outputNames: string[];
    if (typeof outputs === "number") {
      if (!Number.isInteger(outputs) || outputs < 1) {
        throw new RangeError(`output count must be a positive integer, got ${outputs}`);
      }
      const hint = opType.toLowerCase();
      outputNames = Array.from({ length: outputs }, () => this.#fresh(hint));
    } else {
      const claimed: string[] = [];
      try {
        for (const name of outputs) claimed.push(this.#claim(name));
      } catch (error) {
        for (const name of claimed) this.#names.delete(name);
        throw error;
      }
      outputNames = [...outputs];
    }
    for (const name of outputNames) this.#define(name, true);
    this.#nodes.push({
      opType,
      domain: options.domain ?? "",
      name: nodeName,
      inputs: [...inputs],
      outputs: outputNames,
      attributes: attributeProtos,
    });
    return outputNames;
  }

  #single(
    opType: string,
    inputs: readonly string[],
    name: string | undefined,
    attributes: Attributes = {},
  ): string {
    return this.node(opType, inputs, name === undefined ? 1 : [name], attributes)[0];
  }

  /** `alpha * A' * B' + beta * C` (C optional). */
  gemm(a: string, b: string, c?: string, options: GemmOptions = {}): string {
    return this.#single("Gemm", c === undefined ? [a, b] : [a, b, c], options.name, {
      alpha: floatAttr(options.alpha),
      beta: floatAttr(options.beta),
      transA: flag(options.transA),
      transB: flag(options.transB),
    });
  }

  /** Matrix product with numpy broadcasting. */
  matmul(a: string, b: string, options: NameOption = {}): string {
    return this.#single("MatMul", [a, b], options.name);
  }

  /** Element-wise sum with broadcasting. */
  add(a: string, b: string, options: NameOption = {}): string {
    return this.#single("Add", [a, b], options.name);
  }

  /** Element-wise product with broadcasting. */
  mul(a: string, b: string, options: NameOption = {}): string {
    return this.#single("Mul", [a, b], options.name);
  }

  relu(x: string, options: NameOption = {}): string {
    return this.#single("Relu", [x], options.name);
  }

  sigmoid(x: string, options: NameOption = {}): string {
    return this.#single("Sigmoid", [x], options.name);
  }

  tanh(x: string, options: NameOption = {}): string {
    return this.#single("Tanh", [x], options.name);
  }

  identity(x: string, options: NameOption = {}): string {
    return this.#single("Identity", [x], options.name);
  }

  /** Inference-mode batch normalisation over the channel axis (axis 1). */
  batchNormalization(
    x: string,
    scale: string,
    bias: string,
    mean: string,
    variance: string,
    options: BatchNormalizationOptions = {},
  ): string {
    return this.#single("BatchNormalization", [x, scale, bias, mean, variance], options.name, {
      epsilon: floatAttr(options.epsilon),
      momentum: floatAttr(options.momentum),
    });
  }

  /** Softmax along `axis` (default -1, the opset-13+ semantics). */
  softmax(x: string, options: NameOption & { axis?: number } = {}): string {
    return this.#single("Softmax", [x], options.name, { axis: options.axis });
  }

  /** N-D convolution (NCHW); `w` is `[M, C/group, kH, kW]`, `b` optional `[M]`. */
  conv(x: string, w: string, b?: string, options: ConvOptions = {}): string {
    return this.#single("Conv", b === undefined ? [x, w] : [x, w, b], options.name, {
      kernel_shape: options.kernelShape,
      strides: options.strides,
      pads: options.pads,
      dilations: options.dilations,
      group: options.group,
    });
  }

  /** Max pooling (the optional indices output is not produced). */
  maxPool(x: string, options: MaxPoolOptions): string {
    return this.#single("MaxPool", [x], options.name, {
      kernel_shape: options.kernelShape,
      strides: options.strides,
      pads: options.pads,
      dilations: options.dilations,
      ceil_mode: flag(options.ceilMode),
    });
  }

  /** Mean over all spatial axes, keeping them as size 1. */
  globalAveragePool(x: string, options: NameOption = {}): string {
    return this.#single("GlobalAveragePool", [x], options.name);
  }

  /** Reshapes to 2-D `[prod(dims[:axis]), prod(dims[axis:])]` (default axis 1). */
  flatten(x: string, options: NameOption & { axis?: number } = {}): string {
    return this.#single("Flatten", [x], options.name, { axis: options.axis });
  }

  /**
   * Reshapes `x`; a numeric `shape` becomes an int64 constant (`0` copies a dim, `-1` infers
   * one), a string names an existing int64 value.
   */
  reshape(x: string, shape: string | readonly number[], options: NameOption = {}): string {
    this.#requireValue(x, "input of Reshape"); // before adding the shape constant
    const shapeValue = typeof shape === "string"
      ? shape
      : this.constant(BigInt64Array.from(shape, (d) => BigInt(d)), [shape.length]);
    return this.#single("Reshape", [x, shapeValue], options.name);
  }

  /** Concatenates along `axis`. */
  concat(inputs: readonly string[], options: NameOption & { axis: number }): string {
    if (inputs.length === 0) throw new RangeError("concat needs at least one input");
    return this.#single("Concat", inputs, options.name, { axis: options.axis });
  }

  /**
   * The `k` largest (or smallest) elements along `axis` (default -1). A numeric `k` becomes an
   * int64 constant of shape `[1]`; indices are int64.
   */
  topK(x: string, k: number | string, options: TopKOptions = {}): {
    values: string;
    indices: string;
  } {
    if (typeof k === "number" && (!Number.isSafeInteger(k) || k < 0)) {
      throw new RangeError(`k must be a non-negative integer, got ${k}`);
    }
    this.#requireValue(x, "input of TopK"); // before adding the k constant
    const kValue = typeof k === "string" ? k : this.constant(new BigInt64Array([BigInt(k)]), [1]);
    const outputs = [
      options.valuesName ?? this.#peekFresh("topk_values"),
      options.indicesName ?? this.#peekFresh("topk_indices"),
    ];
    const [values, indices] = this.node("TopK", [x, kValue], outputs, {
      axis: options.axis,
      largest: flag(options.largest),
      sorted: flag(options.sorted),
    });
    return { values, indices };
  }

  /** A generated name that is not yet claimed (node() claims it). */
  #peekFresh(hint: string): string {
    const name = this.#fresh(hint);
    this.#names.delete(name);
    return name;
  }

  /**
   * Assembles the model. Does not modify the builder, so it can be called again (e.g. with
   * another opset).
   *
   * @throws {RangeError} when the graph declares no output.
   */
  build(options: BuildOptions = {}): onnx.ModelProto {
    if (this.#outputs.length === 0) throw new RangeError("graph has no outputs");
    const keepName = new Set(this.#outputs.filter((o) => o.name === o.value).map((o) => o.value));
    const renames = new Map<string, string>();
    const identities: NodeRecord[] = [];
    for (const out of this.#outputs) {
      if (out.name === out.value) continue;
      if (this.#nodeOutputs.has(out.value) && !keepName.has(out.value) && !renames.has(out.value)) {
        renames.set(out.value, out.name);
      } else {
        identities.push({
          opType: "Identity",
          domain: "",
          name: `Identity_${this.#nodes.length + identities.length}`,
          inputs: [out.value],
          outputs: [out.name],
          attributes: [],
        });
      }
    }
    const rename = (v: string) => renames.get(v) ?? v;
    const nodes = [...this.#nodes, ...identities].map((n) =>
      onnx.NodeProto.create({
        opType: n.opType,
        domain: n.domain,
        name: n.name,
        input: n.inputs.map(rename),
        output: n.outputs.map(rename),
        attribute: n.attributes.map((a) => onnx.AttributeProto.create(a)),
      })
    );
    const graph = onnx.GraphProto.create({
      name: this.#graphName,
      input: this.#inputs.map(valueInfo),
      output: this.#outputs.map(valueInfo),
      initializer: this.#initializers.map((t) => onnx.TensorProto.create({ ...t })),
      node: nodes,
    });
    const opsets = [{ domain: "", version: options.opset ?? 17 }, ...(options.extraOpsets ?? [])];
    return onnx.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      producerName: options.producerName ?? "",
      producerVersion: options.producerVersion ?? "",
      docString: options.docString ?? "",
      opsetImport: opsets.map((o) => onnx.OperatorSetIdProto.create(o)),
      graph,
    });
  }
}

/** Starts a new graph; see {@link GraphBuilder}. */
export function createGraphBuilder(graphName: string): GraphBuilder {
  return new GraphBuilder(graphName);
}
