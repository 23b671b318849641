import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
import { decodeModel, encodeModel } from "../onnx/model_io.ts";
import type { onnx } from "../onnx/proto.ts";
import { createAverage, updateAverage } from "./averaging.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { collectSwag, createSwag } from "./swag.ts";
import { bnMlpCheckpoint } from "./testing/tiny_models.ts";

const first = createAverage({ strategy: "equal" });
const averaged = updateAverage(first, readCheckpoint(bnMlpCheckpoint(1)));

/** bnMlpCheckpoint(2) with `edit` applied to its decoded model. */
function edited(edit: (model: onnx.ModelProto) => void, epsilon?: number): Uint8Array {
  const model = decodeModel(bnMlpCheckpoint(2, epsilon));
  edit(model);
  return encodeModel(model);
}

function refusal(bytes: Uint8Array): DomainError {
  try {
    updateAverage(averaged, readCheckpoint(bytes), "next.onnx");
  } catch (e) {
    assert.ok(e instanceof DomainError && e.code === "architecture_mismatch", String(e));
    assert.equal(e.kind, "unprocessable");
    return e;
  }
  assert.fail("expected architecture_mismatch");
}

Deno.test("architecture: a changed BN epsilon is refused, naming the node and the attribute", () => {
  const e = refusal(bnMlpCheckpoint(2, 1e-3));
  const node = e.extra?.node as { index: number; opType: string };
  assert.equal(node.index, 1);
  assert.equal(node.opType, "BatchNormalization");
  assert.deepEqual(e.extra?.differences, ["attribute epsilon 0.00001 → 0.001"]);
  assert.match(e.detail, /^next\.onnx .*node 1 \(BatchNormalization/);
  // SWAG collection runs the same check.
  const swag = collectSwag(createSwag({ maxRows: 2 }), readCheckpoint(bnMlpCheckpoint(1)));
  assert.throws(
    () => collectSwag(swag, readCheckpoint(bnMlpCheckpoint(2, 1e-3))),
    (x: unknown) => x instanceof DomainError && x.code === "architecture_mismatch",
  );
});

Deno.test("architecture: another op, rewiring, a changed integer initializer or graph output are refused", () => {
  const relu = (m: onnx.ModelProto) => m.graph!.node!.find((n) => n.opType === "Relu")!;
  const e = refusal(edited((m) => (relu(m).opType = "Sigmoid")));
  assert.deepEqual(e.extra?.differences, ["op type Relu → Sigmoid"]);
  assert.equal((e.extra?.node as { index: number }).index, 2);

  // The Relu reads the Gemm's output instead of the BatchNormalization's.
  const rewired = refusal(edited((m) => {
    relu(m).input = [m.graph!.node![0].output![0]];
  }));
  assert.deepEqual(rewired.extra?.differences, [
    "inputs [output 0 of node 1] → [output 0 of node 0]",
  ]);

  const reshaped = refusal(edited((m) => {
    const shape = m.graph!.initializer!.find((t) => t.name === "shape")!;
    shape.rawData = new Uint8Array(new BigInt64Array([3n, -1n]).buffer);
  }));
  assert.deepEqual(reshaped.extra?.integers, ["shape"]);

  const output = refusal(edited((m) => (m.graph!.output![0].name = "logits")));
  assert.match(output.detail, /graph outputs/);
});

Deno.test("architecture: node names and names of values between nodes may differ", () => {
  const renamed = edited((m) => {
    const nodes = m.graph!.node!;
    const inner = new Map(nodes.slice(0, -1).map((n, i) => [n.output![0], `onnx::Value_${i}`]));
    nodes.forEach((n, i) => {
      n.name = `${n.opType}_${i}`;
      n.input = n.input!.map((x) => inner.get(x) ?? x);
      n.output = n.output!.map((x) => inner.get(x) ?? x);
    });
  });
  assert.equal(updateAverage(averaged, readCheckpoint(renamed)).n, 2);
});
