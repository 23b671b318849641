import assert from "node:assert/strict";
import { paddedBatchRows } from "./batch_padding.ts";

Deno.test("CUDA pads to max_batch_size: always, never, or (auto) for models with convolutions", async () => {
  const conv = () => Promise.resolve(true);
  const noConv = () => Promise.resolve(false);
  assert.equal(await paddedBatchRows("cuda", 64, "auto", conv), 64);
  assert.equal(await paddedBatchRows("cuda", 64, "auto", noConv), 0);
  assert.equal(await paddedBatchRows("cuda", 64, "true", noConv), 64);
  assert.equal(await paddedBatchRows("cuda", 64, "false", conv), 0);
  assert.equal(await paddedBatchRows("cpu", 64, "true", conv), 0, "the CPU re-plans nothing");
  assert.equal(await paddedBatchRows("cuda", 0, "true", conv), 0, "no batch dimension");
  let asked = 0;
  await paddedBatchRows("cpu", 64, "auto", () => Promise.resolve(++asked > 0));
  assert.equal(asked, 0, "the model is read only when it matters");
});
