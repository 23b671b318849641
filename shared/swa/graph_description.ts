/**
 * A compact description of a checkpoint's graph, computed once per checkpoint, so that the
 * architecture check between checkpoints compares graphs without re-walking protobuf objects:
 * nodes in order (op type, domain, inputs, outputs, attributes, tensor- and graph-valued ones
 * included), graph inputs and outputs (name, element type, shape) and the values of integer
 * initializers (shapes and indices the graph computes with).
 *
 * Two things are compared by meaning rather than by spelling:
 *
 * - Node names are not compared. Nothing in ONNX refers to a node by its name; it is the
 *   exporter's label (torch 1.13 writes "/fc1/Gemm", 1.12 "Gemm_0"), so two exports of one
 *   architecture by different exporter versions still agree.
 * - Values passed between nodes are compared by wiring ("output j of node i"), for the same
 *   reason: their names ("/fc1/Gemm_output_0", "onnx::Gemm_5") are exporter-generated. Names of
 *   graph inputs, graph outputs and initializers are part of the model's interface and are
 *   compared as written.
 */
import { onnx } from "../onnx/proto.ts";

/** One node as the architecture check sees it. */
export interface NodeDescription {
  index: number;
  name: string;
  opType: string;
  domain: string;
  /** Canonical value references: `=name` (graph input/output, initializer), `%i.j`, `?name`. */
  inputs: string[];
  outputs: string[];
  /** `name=value` per attribute, sorted by name; tensor/graph values as `name=<blob k>`. */
  attributes: string[];
  /** Serialized tensor- and graph-valued attributes, in the order of their `<blob k>`. */
  blobs: Uint8Array[];
}

export interface GraphDescription {
  /** `name:elemType[dims]` per graph input and output (symbolic dims by name). */
  inputs: string[];
  outputs: string[];
  nodes: NodeDescription[];
  /** Raw little-endian bytes of every integer (and bool) initializer, by name. */
  integers: ReadonlyMap<string, Uint8Array>;
}

/** What differs first between two graph descriptions, for the error detail and `extra`. */
export interface GraphDifference {
  detail: string;
  extra: Record<string, unknown>;
}

const AttributeType = onnx.AttributeProto.AttributeType;

/** The shortest decimal that reads back as the same float32 (`1e-5`, not 0.00000999999974…). */
function float32Text(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = Number(value.toPrecision(digits));
    if (Math.fround(text) === value) return String(text);
  }
  return String(value);
}

const hex = (bytes: Uint8Array | null | undefined) =>
  Array.from(bytes ?? [], (b) => b.toString(16).padStart(2, "0")).join("");

function attributeText(attribute: onnx.IAttributeProto, blobs: Uint8Array[]): string {
  const { name } = attribute;
  switch (attribute.type) {
    case AttributeType.FLOAT:
      return `${name}=${float32Text(attribute.f ?? 0)}`;
    case AttributeType.INT:
      return `${name}=${String(attribute.i ?? 0)}`;
    case AttributeType.STRING:
      return `${name}=0x${hex(attribute.s)}`;
    case AttributeType.FLOATS:
      return `${name}=[${(attribute.floats ?? []).map(float32Text)}]`;
    case AttributeType.INTS:
      return `${name}=[${(attribute.ints ?? []).map(String)}]`;
    case AttributeType.STRINGS:
      return `${name}=[${(attribute.strings ?? []).map((s) => `0x${hex(s)}`)}]`;
    default:
      // Tensors, graphs, sparse tensors, type protos: compared as their exact serialization.
      blobs.push(onnx.AttributeProto.encode(attribute).finish());
      return `${name}=<blob ${blobs.length - 1}>`;
  }
}

function valueInfoText(info: onnx.IValueInfoProto): string {
  const tensor = info.type?.tensorType;
  if (!tensor) return `${info.name}:${hex(onnx.TypeProto.encode(info.type ?? {}).finish())}`;
  const dims = tensor.shape
    ? `[${
      (tensor.shape.dim ?? []).map((d) =>
        d.dimParam ? d.dimParam : d.dimValue != null ? String(d.dimValue) : "?"
      )
    }]`
    : "";
  return `${info.name}:${tensor.elemType ?? 0}${dims}`;
}

/** Describes `model`'s graph; `integers` are the integer initializers' bytes by name. */
export function describeGraph(
  model: onnx.IModelProto,
  integers: ReadonlyMap<string, Uint8Array>,
): GraphDescription {
  const graph = model.graph ?? {};
  const interfaceNames = new Set<string>([
    ...(graph.input ?? []).map((i) => i.name ?? ""),
    ...(graph.output ?? []).map((o) => o.name ?? ""),
    ...(graph.initializer ?? []).map((t) => t.name ?? ""),
  ]);
  const producers = new Map<string, string>();
  (graph.node ?? []).forEach((node, i) =>
    (node.output ?? []).forEach((name, j) => {
      if (name && !interfaceNames.has(name)) producers.set(name, `%${i}.${j}`);
    })
  );
  const ref = (name: string) =>
    !name ? "" : interfaceNames.has(name) ? `=${name}` : producers.get(name) ?? `?${name}`;
  const nodes = (graph.node ?? []).map((node, index): NodeDescription => {
    const blobs: Uint8Array[] = [];
    const attributes = [...(node.attribute ?? [])]
      .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""))
      .map((a) => attributeText(a, blobs));
    return {
      index,
      name: node.name ?? "",
      opType: node.opType ?? "",
      domain: node.domain || "ai.onnx",
      inputs: (node.input ?? []).map(ref),
      outputs: (node.output ?? []).map(ref),
      attributes,
      blobs,
    };
  });
  return {
    inputs: (graph.input ?? []).map(valueInfoText),
    outputs: (graph.output ?? []).map(valueInfoText),
    nodes,
    integers,
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Readable value references: `%i.j` as "output j of node i". */
const show = (refs: readonly string[]) =>
  `[${
    refs.map((r) =>
      r.startsWith("%")
        ? `output ${r.split(".")[1]} of node ${r.slice(1).split(".")[0]}`
        : r.startsWith("=") || r.startsWith("?")
        ? `'${r.slice(1)}'`
        : "''"
    ).join(", ")
  }]`;

/** What differs between two nodes at the same position (empty when they agree). */
function nodeDifferences(a: NodeDescription, b: NodeDescription): string[] {
  const out: string[] = [];
  if (a.opType !== b.opType) out.push(`op type ${a.opType} → ${b.opType}`);
  if (a.domain !== b.domain) out.push(`domain ${a.domain} → ${b.domain}`);
  if (!sameList(a.inputs, b.inputs)) out.push(`inputs ${show(a.inputs)} → ${show(b.inputs)}`);
  if (!sameList(a.outputs, b.outputs)) {
    out.push(`outputs ${show(a.outputs)} → ${show(b.outputs)}`);
  }
  const named = (list: string[]) => new Map(list.map((t) => [t.slice(0, t.indexOf("=")), t]));
  const before = named(a.attributes);
  const after = named(b.attributes);
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(key);
    const y = after.get(key);
    const blobX = x?.match(/<blob (\d+)>$/);
    const blobY = y?.match(/<blob (\d+)>$/);
    if (blobX && blobY) {
      if (!sameBytes(a.blobs[Number(blobX[1])], b.blobs[Number(blobY[1])])) {
        out.push(`attribute ${key}: value differs`);
      }
    } else if (x !== y) {
      const value = (t?: string) => (t === undefined ? "(absent)" : t.slice(key.length + 1));
      out.push(`attribute ${key} ${value(x)} → ${value(y)}`);
    }
  }
  return out;
}

/**
 * The first difference between a reference graph and another one, or `undefined` when they
 * describe the same computation: graph inputs, graph outputs, then nodes in order, then
 * integer initializer values.
 */
export function firstGraphDifference(
  reference: GraphDescription,
  next: GraphDescription,
): GraphDifference | undefined {
  for (const side of ["inputs", "outputs"] as const) {
    if (!sameList(reference[side], next[side])) {
      return {
        detail: `graph ${side} [${next[side].join(", ")}] instead of [${
          reference[side].join(", ")
        }]`,
        extra: { [side]: { expected: reference[side], actual: next[side] } },
      };
    }
  }
  const count = Math.max(reference.nodes.length, next.nodes.length);
  for (let i = 0; i < count; i++) {
    const a = reference.nodes[i];
    const b = next.nodes[i];
    const differences = a && b
      ? nodeDifferences(a, b)
      : [a ? `node missing (the reference has ${a.opType} '${a.name}')` : "node is new"];
    if (differences.length === 0) continue;
    const node = { index: i, name: b?.name ?? null, opType: b?.opType ?? null };
    return {
      detail: `node ${i} (${b ? `${b.opType} '${b.name}'` : "none"}) differs from the ` +
        `reference's node ${i} (${a ? `${a.opType} '${a.name}'` : "none"}): ` +
        differences.join("; "),
      extra: {
        node,
        reference: { name: a?.name ?? null, opType: a?.opType ?? null },
        differences,
      },
    };
  }
  const integers = [...reference.integers].filter(([name, bytes]) => {
    const other = next.integers.get(name);
    return !other || !sameBytes(bytes, other);
  }).map(([name]) => name);
  if (integers.length > 0) {
    return {
      detail: `integer initializers with other values: ${integers.join(", ")}`,
      extra: { integers },
    };
  }
  return undefined;
}
