import assert from "node:assert/strict";
import { buildMlpClassifier, onnx } from "@edgeml/shared/onnx";
import { BENCH_CONV_NET, buildConvNet } from "../bench/conv_net.ts";
import { hasConvolution } from "./convolution_ops.ts";

Deno.test("a conv net has convolutions; an MLP has none", () => {
  assert.equal(hasConvolution(buildConvNet(BENCH_CONV_NET)), true);
  const mlp = buildMlpClassifier({
    name: "m",
    inputSize: 4,
    hiddenSizes: [3],
    numClasses: 2,
    seed: 1,
  });
  assert.equal(hasConvolution(mlp), false);
});

Deno.test("convolutions inside an If branch and in a model-local function are found", () => {
  const branch = onnx.GraphProto.create({
    name: "then",
    node: [onnx.NodeProto.create({ opType: "ConvTranspose", input: ["x", "w"], output: ["y"] })],
  });
  const withIf = buildMlpClassifier({
    name: "i",
    inputSize: 2,
    hiddenSizes: [],
    numClasses: 2,
    seed: 1,
  });
  withIf.graph!.node!.push(onnx.NodeProto.create({
    opType: "If",
    input: ["c"],
    output: ["y"],
    attribute: [
      onnx.AttributeProto.create({ name: "then_branch", type: 5, g: branch }),
      onnx.AttributeProto.create({ name: "else_branch", type: 10, graphs: [branch] }),
    ],
  }));
  assert.equal(hasConvolution(withIf), true);

  const withFunction = buildMlpClassifier({
    name: "f",
    inputSize: 2,
    hiddenSizes: [],
    numClasses: 2,
    seed: 1,
  });
  withFunction.functions = [
    onnx.FunctionProto.create({
      name: "local",
      node: [onnx.NodeProto.create({ opType: "QLinearConv" })],
    }),
  ];
  assert.equal(hasConvolution(withFunction), true);
});
