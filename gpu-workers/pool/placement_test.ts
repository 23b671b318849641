import assert from "node:assert/strict";
import type { ModelConfigInput } from "@edgeml/shared/contracts";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { resolveModelConfig } from "../repository/resolved_config.ts";
import { MAX_INSTANCES_PER_MODEL_PER_DEVICE, placeInstances, type SlotInfo } from "./placement.ts";

const config = (input: ModelConfigInput) => resolveModelConfig("m", input);

const CPU_ONLY: SlotInfo[] = [{ id: "cpu", kind: "cpu" }];
const TWO_GPUS: SlotInfo[] = [
  { id: "gpu0", kind: "gpu", gpu: 0 },
  { id: "gpu1", kind: "gpu", gpu: 1 },
  { id: "cpu", kind: "cpu" },
];

Deno.test("a gpu group on a pool without GPUs lands on the cpu slot, still preferring cuda", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "KIND_GPU", count: 2 }] }),
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
    config({ instance_group: [{ kind: "KIND_CPU", count: 3 }] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [{ slotId: "cpu", instances: 3, providers: ["cpu"] }]);
});

Deno.test("a gpu group naming GPU 1 goes to gpu1 only", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "KIND_GPU", count: 2, gpus: [1] }] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [{ slotId: "gpu1", instances: 2, providers: ["cuda", "cpu"] }]);
});

Deno.test("a gpu group without gpus goes to every GPU, count instances each", () => {
  const placements = placeInstances(
    config({ instance_group: [{ kind: "KIND_GPU", count: 2 }] }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [
    { slotId: "gpu0", instances: 2, providers: ["cuda", "cpu"] },
    { slotId: "gpu1", instances: 2, providers: ["cuda", "cpu"] },
  ]);
});

Deno.test("an unknown GPU id is unprocessable: invalid_model_config", () => {
  const err = domainErrorFrom(
    () =>
      placeInstances(config({ instance_group: [{ kind: "KIND_GPU", gpus: [0, 7] }] }), TWO_GPUS),
    "unprocessable",
    "invalid_model_config",
  );
  assert.match(err.detail, /GPU 7/);
});

Deno.test("counts are summed when two groups hit one slot", () => {
  const twoGpuGroups = placeInstances(
    config({
      instance_group: [{ kind: "KIND_GPU", count: 2, gpus: [0] }, {
        kind: "KIND_GPU",
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
    config({ instance_group: [{ kind: "KIND_CPU", count: 1 }, { kind: "KIND_GPU", count: 2 }] }),
    CPU_ONLY,
  );
  assert.deepEqual(mixed, [{ slotId: "cpu", instances: 3, providers: ["cuda", "cpu"] }]);
});

Deno.test("the config's provider preference is passed through", () => {
  const placements = placeInstances(
    config({
      instance_group: [{ kind: "KIND_GPU", gpus: [0] }],
      parameters: { cpu_fallback: { string_value: "false" } },
    }),
    TWO_GPUS,
  );
  assert.deepEqual(placements, [{ slotId: "gpu0", instances: 1, providers: ["cuda"] }]);
  // Resolved configs built by hand work too.
  assert.deepEqual(
    placeInstances({ instanceGroups: [{ kind: "gpu", count: 1 }], executionProviders: ["cpu"] }, [
      { id: "gpu0", kind: "gpu", gpu: 0 },
    ]),
    [{ slotId: "gpu0", instances: 1, providers: ["cpu"] }],
  );
});

Deno.test("KIND_AUTO (and no instance_group) places like a gpu group", () => {
  assert.deepEqual(placeInstances(config({ instance_group: [{ count: 2 }] }), TWO_GPUS), [
    { slotId: "gpu0", instances: 2, providers: ["cuda", "cpu"] },
    { slotId: "gpu1", instances: 2, providers: ["cuda", "cpu"] },
  ]);
});

Deno.test("at most 16 instances of one model per device, all groups together: too_many_instances", () => {
  assert.equal(MAX_INSTANCES_PER_MODEL_PER_DEVICE, 16);
  const full = placeInstances(
    config({ instance_group: [{ kind: "KIND_GPU", count: 10, gpus: [0] }, { count: 6 }] }),
    TWO_GPUS,
  );
  assert.deepEqual(full, [
    { slotId: "gpu0", instances: 16, providers: ["cuda", "cpu"] },
    { slotId: "gpu1", instances: 6, providers: ["cuda", "cpu"] },
  ]);
  const err = domainErrorFrom(
    () =>
      placeInstances(
        config({ instance_group: [{ kind: "KIND_GPU", count: 10, gpus: [0, 0] }] }),
        TWO_GPUS,
      ),
    "unprocessable",
    "too_many_instances",
  );
  assert.match(err.detail, /20 instances .* on gpu0; at most 16 per device/);
  // On a CPU host the fallen-back GPU groups and the CPU groups share the one CPU device.
  domainErrorFrom(
    () =>
      placeInstances(
        config({ instance_group: [{ kind: "KIND_CPU", count: 9 }, { count: 8 }] }),
        CPU_ONLY,
      ),
    "unprocessable",
    "too_many_instances",
  );
});

Deno.test("a config that places nothing is 422", () => {
  domainErrorFrom(
    () => placeInstances({ instanceGroups: [], executionProviders: ["cuda", "cpu"] }, TWO_GPUS),
    "unprocessable",
    "invalid_model_config",
  );
  const gpuOnly: SlotInfo[] = [{ id: "gpu0", kind: "gpu", gpu: 0 }];
  domainErrorFrom(
    () => placeInstances(config({ instance_group: [{ kind: "KIND_CPU" }] }), gpuOnly),
    "unprocessable",
    "invalid_model_config",
  );
});
