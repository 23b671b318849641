import assert from "node:assert/strict";
import { createGraphBuilder } from "./graph_builder.ts";
import { getInitializer } from "./initializers.ts";
import { decodeModel, encodeModel } from "./model_io.ts";
import { onnx } from "./proto.ts";
import { f32, runModel } from "./testing.ts";

const AT = onnx.AttributeProto.AttributeType;

function nodes(model: onnx.IModelProto): onnx.INodeProto[] {
  return model.graph?.node ?? [];
}

function attribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function shapeOf(info: onnx.IValueInfoProto | undefined) {
  return info?.type?.tensorType?.shape?.dim?.map((d) =>
    d.dimParam ? d.dimParam : Number(d.dimValue)
  );
}

Deno.test("build defaults to IR 8 / opset 17 and applies model options", () => {
  const b = createGraphBuilder("g");
  b.output(b.relu(b.input("x", "float32", [2])), "y", "float32", [2]);
  const model = b.build();
  assert.equal(model.irVersion, 8);
  assert.deepEqual(model.opsetImport.map((o) => [o.domain, o.version]), [["", 17]]);
  assert.equal(model.graph?.name, "g");
  const custom = b.build({
    opset: 13,
    producerName: "edgeml",
    producerVersion: "1.2.3",
    docString: "doc",
    extraOpsets: [{ domain: "com.microsoft", version: 1 }],
  });
  assert.deepEqual(custom.opsetImport.map((o) => [o.domain, o.version]), [
    ["", 13],
    ["com.microsoft", 1],
  ]);
  assert.deepEqual([custom.producerName, custom.producerVersion, custom.docString], [
    "edgeml",
    "1.2.3",
    "doc",
  ]);
});

Deno.test("input/output shapes: -1 is dynamic, strings are symbolic dims", () => {
  const b = createGraphBuilder("g");
  const x = b.input("input", "float32", [-1, 3, -1, "width"]);
  b.output(b.identity(x), "output", "float32", [-1, 3, -1, "width"]);
  const graph = b.build().graph!;
  assert.deepEqual(shapeOf(graph.input?.[0]), ["batch", 3, "input_dim2", "width"]);
  assert.deepEqual(shapeOf(graph.output?.[0]), ["batch", 3, "output_dim2", "width"]);
  assert.equal(graph.input?.[0].type?.tensorType?.elemType, onnx.TensorProto.DataType.FLOAT);
  assert.throws(() => b.input("z", "float32", [-2]), RangeError);
  assert.throws(() => b.input("z", "float32", [1.5]), RangeError);
});

Deno.test("generated value names are unique and avoid caller-chosen names", () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [1, 4]);
  b.identity(x, { name: "relu_1" }); // squat on a name the generator might produce
  let h = x;
  for (let i = 0; i < 20; i++) h = b.relu(h);
  const { values, indices } = b.topK(h, 1);
  b.output(values, values, "float32", [1, 1]);
  b.output(indices, indices, "int64", [1, 1]);
  const graph = b.build().graph!;
  const produced = nodes({ graph }).flatMap((n) => n.output ?? []);
  const all = [...produced, ...(graph.initializer ?? []).map((t) => t.name), "x"];
  assert.equal(new Set(all).size, all.length, `duplicates in ${all}`);
  assert.equal(produced.filter((n) => n === "relu_1").length, 1);
});

Deno.test("misuse is reported when it happens", () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [1]);
  assert.throws(() => b.input("x", "float32", [1]), /already used/);
  assert.throws(() => b.relu("nope"), /unknown value "nope" used as input of Relu/);
  assert.throws(() => b.relu(x, { name: "x" }), /already used/);
  assert.throws(() => b.node("Split", [x], 0), RangeError);
  assert.throws(() => b.initializer("w", new Float32Array(3), [2]), RangeError);
  assert.doesNotThrow(() => b.initializer("w", new Float32Array(2), [2])); // name not burned
  assert.throws(() => b.output("nope", "y", "float32", [1]), /unknown value/);
  assert.throws(() => b.build(), /no outputs/);
  assert.throws(() => b.concat([], { axis: 0 }), RangeError);
  assert.throws(() => b.topK(x, -1), RangeError);
  assert.throws(() => b.topK("nope", 1), /unknown value/);
  assert.throws(() => b.reshape("nope", [1]), /unknown value/);
  b.output(x, "x", "float32", [1]);
  assert.throws(() => b.output(x, "x", "float32", [1]), /already a graph output/);
  // Failed calls left nothing behind (no orphan k/shape constants, no half-added weights).
  assert.deepEqual(b.build().graph?.initializer?.map((t) => t.name), ["w"]);
  assert.deepEqual(nodes(b.build()), []);
});

Deno.test("output() renames the producing node's output, including later uses", async () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [2]);
  const h = b.relu(x);
  const doubled = b.add(h, h); // uses h after...
  b.output(h, "hidden", "float32", [2]); // ...h is declared as output "hidden"
  b.output(doubled, "doubled", "float32", [2]);
  const model = b.build();
  assert.deepEqual(nodes(model).map((n) => [n.opType, n.input, n.output]), [
    ["Relu", ["x"], ["hidden"]],
    ["Add", ["hidden", "hidden"], ["doubled"]],
  ]);
  const out = await runModel(model, { x: f32([-1, 2], [2]) });
  assert.deepEqual(Array.from(out.hidden.data as Float32Array), [0, 2]);
  assert.deepEqual(Array.from(out.doubled.data as Float32Array), [0, 4]);
});

Deno.test("outputs of inputs, initializers or repeated values get Identity nodes", async () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [2]);
  const c = b.initializer("c", new Float32Array([5, 6]));
  const y = b.sigmoid(x);
  b.output(x, "x_copy", "float32", [2]);
  b.output(c, "c_out", "float32", [2]);
  b.output(y, "y1", "float32", [2]);
  b.output(y, "y2", "float32", [2]);
  const model = b.build();
  assert.deepEqual(nodes(model).map((n) => [n.opType, n.input, n.output]), [
    ["Sigmoid", ["x"], ["y1"]],
    ["Identity", ["x"], ["x_copy"]],
    ["Identity", ["c"], ["c_out"]],
    ["Identity", ["y1"], ["y2"]],
  ]);
  const out = await runModel(model, { x: f32([0, 0], [2]) });
  assert.deepEqual(Array.from(out.x_copy.data as Float32Array), [0, 0]);
  assert.deepEqual(Array.from(out.c_out.data as Float32Array), [5, 6]);
  assert.deepEqual(Array.from(out.y2.data as Float32Array), [0.5, 0.5]);
});

Deno.test("build() is repeatable and does not alias builder state", () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [2]);
  const w = b.initializer("w", new Float32Array([1, 2]));
  b.output(b.mul(x, w), "y", "float32", [2]);
  const first = b.build();
  first.graph!.initializer![0].name = "mutated";
  first.graph!.node![0].output![0] = "mutated";
  assert.deepEqual(encodeModel(b.build()), encodeModel(b.build()));
  assert.equal(b.build().graph?.initializer?.[0].name, "w");
  assert.deepEqual(nodes(b.build())[0].output, ["y"]);
});

Deno.test("initializer() and constant() copy data and keep types", () => {
  const b = createGraphBuilder("g");
  const data = new Float32Array([1, 2, 3, 4]);
  b.initializer("w", data, [2, 2]);
  data[0] = 99;
  const mask = b.constant(new Uint8Array([1, 0]), [2], "bool");
  const k = b.constant(new BigInt64Array([3n]));
  b.output(b.input("x", "float32", [1]), "x", "float32", [1]);
  const model = decodeModel(encodeModel(b.build()));
  assert.deepEqual(getInitializer(model, "w"), {
    name: "w",
    dims: [2, 2],
    dataType: "float32",
    data: new Float32Array([1, 2, 3, 4]),
  });
  assert.equal(getInitializer(model, mask).dataType, "bool");
  assert.deepEqual(getInitializer(model, k).data, new BigInt64Array([3n]));
});

Deno.test("node() encodes attribute kinds as documented", () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [1]);
  const [out] = b.node("Custom", [x, ""], ["out"], {
    count: 3,
    big: 2n ** 60n,
    ratio: 0.5,
    alpha: { float: 2 },
    perm: [1, 0],
    scales: [0.5, 2],
    explicitFloats: { floats: [1, 2] },
    mode: "linear",
    names: ["a", "b"],
    value: { dataType: onnx.TensorProto.DataType.FLOAT, dims: [1], floatData: [7] },
    skipped: undefined,
  }, { domain: "com.example", nodeName: "my_node" });
  assert.equal(out, "out");
  b.output(out, "out", "float32", [1]);
  const model = decodeModel(encodeModel(b.build()));
  const node = nodes(model)[0];
  assert.deepEqual([node.name, node.domain, node.input], ["my_node", "com.example", ["x", ""]]);
  assert.equal(attribute(node, "skipped"), undefined);
  const decoder = new TextDecoder();
  const view = (name: string) => {
    const a = attribute(node, name)!;
    switch (a.type) {
      case AT.INT:
        return ["INT", BigInt(String(a.i))];
      case AT.FLOAT:
        return ["FLOAT", a.f];
      case AT.INTS:
        return ["INTS", a.ints?.map(Number)];
      case AT.FLOATS:
        return ["FLOATS", a.floats];
      case AT.STRING:
        return ["STRING", decoder.decode(a.s!)];
      case AT.STRINGS:
        return ["STRINGS", a.strings?.map((s) => decoder.decode(s))];
      case AT.TENSOR:
        return ["TENSOR", a.t?.floatData];
    }
  };
  assert.deepEqual(view("count"), ["INT", 3n]);
  assert.deepEqual(view("big"), ["INT", 2n ** 60n]);
  assert.deepEqual(view("ratio"), ["FLOAT", 0.5]);
  assert.deepEqual(view("alpha"), ["FLOAT", 2]);
  assert.deepEqual(view("perm"), ["INTS", [1, 0]]);
  assert.deepEqual(view("scales"), ["FLOATS", [0.5, 2]]);
  assert.deepEqual(view("explicitFloats"), ["FLOATS", [1, 2]]);
  assert.deepEqual(view("mode"), ["STRING", "linear"]);
  assert.deepEqual(view("names"), ["STRINGS", ["a", "b"]]);
  assert.deepEqual(view("value"), ["TENSOR", [7]]);
});

Deno.test("node() escape hatch runs real operators with typed attributes", async () => {
  const b = createGraphBuilder("g");
  const x = b.input("x", "float32", [2, 3]);
  const [t] = b.node("Transpose", [x], 1, { perm: [1, 0] });
  const [elu] = b.node("Elu", [t], 1, { alpha: { float: 2 } });
  b.output(elu, "y", "float32", [3, 2]);
  const input = [-1, 2, -3, 4, -5, 6];
  const { y } = await runModel(b.build(), { x: f32(input, [2, 3]) });
  // Transpose of [[-1,2,-3],[4,-5,6]] is [[-1,4],[2,-5],[-3,6]]; Elu(v) = v > 0 ? v : 2(e^v - 1).
  const transposed = [-1, 4, 2, -5, -3, 6];
  const expected = transposed.map((v) => (v > 0 ? v : 2 * Math.expm1(v)));
  assert.deepEqual(y.dims, [3, 2]);
  Array.from(y.data as Float32Array).forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-6, `${v} vs ${expected[i]}`)
  );
});
