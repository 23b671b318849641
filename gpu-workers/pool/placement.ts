/**
 * Where a model's instances go (Triton's instance_group) and which execution providers each
 * placement tries. A GPU group on a host without GPUs lands on the CPU workers but still asks
 * for CUDA first, so the fallback is explicit and reported instead of hidden.
 */
import type { ExecutionProvider } from "@edgeml/shared/contracts";
import { unprocessable } from "@edgeml/shared/errors";
import type { ResolvedModelConfig } from "../repository/resolved_config.ts";

/** Instances of one model one device (a GPU, or the CPU) may hold, all groups together. */
export const MAX_INSTANCES_PER_MODEL_PER_DEVICE = 16;

export interface SlotInfo {
  id: string;
  kind: "gpu" | "cpu";
  /** GPU id for a GPU slot. */
  gpu?: number;
}

export interface Placement {
  slotId: string;
  instances: number;
  providers: ExecutionProvider[];
}

export function placeInstances(
  config: Pick<ResolvedModelConfig, "instanceGroups" | "executionProviders">,
  slots: readonly SlotInfo[],
): Placement[] {
  const gpuSlots = slots.filter((s) => s.kind === "gpu");
  const cpuSlots = slots.filter((s) => s.kind === "cpu");
  const bySlot = new Map<string, Placement>();
  const add = (slotId: string, instances: number, providers: ExecutionProvider[]) => {
    const existing = bySlot.get(slotId);
    if (!existing) bySlot.set(slotId, { slotId, instances, providers: [...providers] });
    else {
      existing.instances += instances;
      // A slot shared by a GPU group and a CPU group keeps the GPU group's (longer) preference.
      if (providers.length > existing.providers.length) existing.providers = [...providers];
    }
  };
  for (const group of config.instanceGroups) {
    if (group.kind === "cpu") {
      for (const slot of cpuSlots) add(slot.id, group.count, ["cpu"]);
      continue;
    }
    if (gpuSlots.length === 0) {
      for (const slot of cpuSlots) add(slot.id, group.count, config.executionProviders);
      continue;
    }
    const wanted = group.gpus ?? gpuSlots.map((s) => s.gpu!);
    for (const gpu of wanted) {
      const slot = gpuSlots.find((s) => s.gpu === gpu);
      if (!slot) {
        throw unprocessable(
          "invalid_model_config",
          `instance_group asks for GPU ${gpu}; this pool has GPUs ${gpuSlots.map((s) => s.gpu)}`,
        );
      }
      add(slot.id, group.count, config.executionProviders);
    }
  }
  if (bySlot.size === 0) {
    throw unprocessable("invalid_model_config", "instance_group places no instance on any worker");
  }
  for (const placement of bySlot.values()) {
    if (placement.instances > MAX_INSTANCES_PER_MODEL_PER_DEVICE) {
      throw unprocessable(
        "too_many_instances",
        `instance_group places ${placement.instances} instances of the model on ${placement.slotId}; ` +
          `at most ${MAX_INSTANCES_PER_MODEL_PER_DEVICE} per device`,
        {
          extra: {
            slot: placement.slotId,
            instances: placement.instances,
            limit: MAX_INSTANCES_PER_MODEL_PER_DEVICE,
          },
        },
      );
    }
  }
  return [...bySlot.values()];
}
