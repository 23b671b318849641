import assert from "node:assert/strict";
import { ModelConfig, type ModelConfigInput } from "@edgeml/shared/contracts";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { placeInstances, type SlotInfo } from "./placement.ts";

const config = (input: ModelConfigInput) => ModelConfig.parse(input);

const CPU_ONLY: SlotInfo[] = [{ id: "cpu", kind: "cpu" }];
const TWO_GPUS: SlotInfo[] = [
  { id: "gpu0", kind: "gpu", gpu: 0 },
  { id: "gpu1", kind: "gpu", gpu: 1 },
  { id: "cpu", kind: "cpu" },
];

Deno.test("a gpu group on a pool without GPUs lands on the cpu slot, still preferring cuda", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "gpu", count: 2 }] }),
    CPU_ONLY,
  );
  assert.deepEqual(placements, [{ slotId: "cpu", instances: 2, providers: ["cuda", "cpu"] }]);
});

Deno.test("the default config (one gpu instance) on a cpu pool uses the default providers", () => {
  assert.deepEqual(placeInstances(config({}), CPU_ONLY), [
    { slotId: "cpu", instances: 1, providers: ["cuda", "cpu"] },
  ]);
});

Deno.test("a cpu group gets only the cpu provider", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "cpu", count: 3 }] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [{ slotId: "cpu", instances: 3, providers: ["cpu"] }]);
});

Deno.test("a gpu group naming GPU 1 goes to gpu1 only", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "gpu", count: 2, gpus: [1] }] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [{ slotId: "gpu1", instances: 2, providers: ["cuda", "cpu"] }]);
});

Deno.test("a gpu group without gpus goes to every GPU, count instances each", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "gpu", count: 2 }] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [
    { slotId: "gpu0", instances: 2, providers: ["cuda", "cpu"] },
    { slotId: "gpu1", instances: 2, providers: ["cuda", "cpu"] },
  ]);
});

Deno.test("an unknown GPU id is unprocessable: invalid_model_config", () => {
  const err = domainErrorFrom(
    () => placeInstances(config({ instance_group: [{ kind: "gpu", gpus: [0, 7] }] }), TWO_GPUS),
    "unprocessable",
    "invalid_model_config",
  );
  assert.match(err.detail, /GPU 7/);
});

Deno.test("counts are summed when two groups hit one slot", () => {
  const twoGpuGroups = placeInstances(
    config({
      instance_group: [{ kind: "gpu", count: 2, gpus: [0] }, {
        kind: "gpu",
        count: 1,
        gpus: [0, 1],
      }],
    }),
    TWO_GPUS,
  );
  assert.deepEqual(twoGpuGroups, [
    { slotId: "gpu0", instances: 3, providers: ["cuda", "cpu"] },
    { slotId: "gpu1", instances: 1, providers: ["cuda", "cpu"] },
  ]);
  // On a CPU host a cpu group and a (fallen back) gpu group share the cpu slot; the longer
  // provider preference, the gpu group's, is kept.
  const mixed = placeInstances(
    config({ instance_group: [{ kind: "cpu", count: 1 }, { kind: "gpu", count: 2 }] }),
    CPU_ONLY,
  );
  assert.deepEqual(mixed, [{ slotId: "cpu", instances: 3, providers: ["cuda", "cpu"] }]);
});

Deno.test("the config's provider preference is passed through", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "gpu", gpus: [0] }], execution_providers: ["cpu"] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [{ slotId: "gpu0", instances: 1, providers: ["cpu"] }]);
});

Deno.test("a config that places nothing is 422", () => {
  domainErrorFrom(
    () => placeInstances(config({ instance_group: [] }), TWO_GPUS),
    "unprocessable",
    "invalid_model_config",
  );
  const gpuOnly: SlotInfo[] = [{ id: "gpu0", kind: "gpu", gpu: 0 }];
  domainErrorFrom(
    () => placeInstances(config({ instance_group: [{ kind: "cpu" }] }), gpuOnly),
    "unprocessable",
    "invalid_model_config",
  );
});
