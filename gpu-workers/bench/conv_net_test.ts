import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { encodeModel } from "@edgeml/shared/onnx";
import { sampleRow } from "@edgeml/loadtests/scenario_matrix";
import { buildConvNet, convNetInputWidth, type ConvNetSpec } from "./conv_net.ts";
import { providerAgreement } from "./raw_ort.ts";

const SMALL: ConvNetSpec = {
  name: "conv_small",
  channels: 3,
  size: 16,
  widths: [4, 8, 8],
  numClasses: 5,
  seed: 3,
};

Deno.test("the benchmark conv net runs in ORT: one probability row per input row", async () => {
  const width = convNetInputWidth(SMALL);
  assert.equal(width, 3 * 16 * 16);
  const session = await ort.InferenceSession.create(encodeModel(buildConvNet(SMALL)));
  try {
    const data = new Float32Array(2 * width);
    data.set(sampleRow(width, 1), 0);
    data.set(sampleRow(width, 2), width);
    const out = await session.run({ input: new ort.Tensor("float32", data, [2, width]) });
    const probabilities = out.probabilities;
    assert.deepEqual(probabilities.dims, [2, 5]);
    const rows = probabilities.data as Float32Array;
    for (const row of [rows.subarray(0, 5), rows.subarray(5)]) {
      assert.ok(Math.abs(row.reduce((s, p) => s + p, 0) - 1) < 1e-5);
      assert.ok(row.every((p) => p > 0 && p < 1), "softmax of finite logits");
    }
    // Different images give different answers: the convolutions see the pixels.
    assert.notDeepEqual(Array.from(rows.subarray(0, 5)), Array.from(rows.subarray(5)));
  } finally {
    await session.release();
  }
});

Deno.test("conv net sizes that three 2x poolings cannot halve are refused", () => {
  assert.throws(() => buildConvNet({ ...SMALL, size: 12 }), RangeError);
});

Deno.test("providerAgreement compares two providers' outputs on the same batch", async () => {
  const model = encodeModel(buildConvNet(SMALL));
  const same = await providerAgreement(model, convNetInputWidth(SMALL), 4, ["cpu", "cpu"]);
  assert.equal(same.finite, true);
  assert.equal(same.relativeError, 0);
  assert.equal(same.batch, 4);
});
