/**
 * Model instances hand each run to exactly one idle instance: more concurrent runs than
 * instances queue and all complete, each with its own rows.
 */
import assert from "node:assert/strict";
import { buildMlpClassifier, encodeModel } from "@edgeml/shared/onnx";
import { inputRows, SMALL } from "../testing/fixture_repository.ts";
import { within } from "../testing/waits.ts";
import { startInstances } from "./model_instances.ts";

Deno.test("model instances: 12 concurrent runs on 2 instances all complete, each with its own answer", async () => {
  const instances = await startInstances({
    model: encodeModel(buildMlpClassifier({ name: "small", ...SMALL })),
    count: 2,
    providers: ["cpu"],
    deadlineMs: 10_000,
  });
  try {
    const run = (rows: number) => {
      const x = inputRows(rows, 16, rows);
      return instances.run([{
        name: "input",
        datatype: "FP32",
        shape: [rows, 16],
        bytes: new Uint8Array(x.buffer),
      }]);
    };
    const results = await within(
      Promise.all(Array.from({ length: 12 }, (_, i) => run(i + 1))),
      20_000,
      "12 runs on 2 instances",
    );
    results.forEach((r, i) => assert.deepEqual(r.outputs[0].shape, [i + 1, 3]));
    assert.equal(instances.healthy, 2);
  } finally {
    await instances.dispose();
  }
});
