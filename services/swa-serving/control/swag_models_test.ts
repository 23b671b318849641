import assert from "node:assert/strict";
import { getInitializer } from "@edgeml/shared/onnx";
import {
  collectSwag,
  createSwag,
  readCheckpoint,
  sampleSwag,
  swagParametersToModel,
} from "@edgeml/shared/swa";
import { swagModels } from "./swag_models.ts";
import { bnMlpCheckpoint } from "@edgeml/shared/swa/testing";
import { updateBn } from "./update_bn.ts";

Deno.test("every SWAG draw comes back BN-recalibrated on the calibration data", async () => {
  const state = [1, 2, 3, 4].reduce(
    (s, seed) => collectSwag(s, readCheckpoint(bnMlpCheckpoint(seed))),
    createSwag({ maxRows: 3 }),
  );
  const calibration = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const draws = [];
  for await (
    const draw of swagModels([state], {
      samplesPerPosterior: 2,
      scale: 0.5,
      cov: true,
      seed: 5,
      calibration,
      rowShape: [4],
      batchSize: 5,
    })
  ) {
    draws.push(draw);
  }
  assert.equal(draws.length, 2);
  // Draw 0 is sample(seed 5), recalibrated: same as doing the two steps by hand.
  const byHand = await updateBn(
    swagParametersToModel(state, sampleSwag(state, { scale: 0.5, cov: true, seed: 5 })),
    calibration,
    [4],
    { batchSize: 5 },
  );
  for (const name of ["fc.weight", "bn.running_mean", "bn.running_var"]) {
    assert.deepEqual(
      getInitializer(draws[0].model, name).data,
      getInitializer(byHand, name).data,
      name,
    );
  }
  // Recalibrated statistics, not the checkpoint's: the running mean moved off checkpoint 4's.
  assert.notDeepEqual(
    getInitializer(draws[0].model, "bn.running_mean").data,
    readCheckpoint(bnMlpCheckpoint(4)).byName.get("bn.running_mean")!.data,
  );
});
