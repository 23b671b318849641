/**
 * Seeds a model repository with the two demo classifiers (built with the ONNX builder) so the
 * embedded default serves something on first start, with no download. Each model gets a
 * Triton `config.pbtxt`, as a user's Triton repository would have.
 */
import { join } from "node:path";
import type { ModelConfigInput } from "@edgeml/shared/contracts";
import { buildMlpClassifier, DEMO_MODELS } from "@edgeml/shared/onnx";
import { writeModelFile } from "@edgeml/shared/onnx/files";
import { toPbtxt } from "./pbtxt.ts";
import { CONFIG_FILES } from "./repository.ts";

/**
 * Batching settings of the demo models (Triton's names), sized for small CPUs. The queue delay
 * is adaptive (this server's parameter): up to 2 ms for a crowd to gather, none for a lone
 * caller, whose batch of one is all that will come.
 */
const BATCHING = {
  dynamic_batching: {
    max_queue_delay_microseconds: 2_000,
    default_queue_policy: { max_queue_size: 1024 },
  },
  instance_group: [{ kind: "KIND_GPU" as const, count: 1 }],
  parameters: { adaptive_queue_delay: { string_value: "true" } },
};

export const DEMO_CONFIGS: Record<string, ModelConfigInput> = {
  mlp_small: { max_batch_size: 32, ...BATCHING },
  mlp_large: { max_batch_size: 64, ...BATCHING },
};

/** Whether `dir` holds a config.json an earlier seed wrote in the pre-Triton schema. */
async function hasPreTritonDemoConfig(dir: string): Promise<boolean> {
  try {
    const text = await Deno.readTextFile(join(dir, "config.json"));
    return "max_queue_delay_us" in (JSON.parse(text).dynamic_batching ?? {});
  } catch {
    return false;
  }
}

async function hasConfig(dir: string): Promise<boolean> {
  for (const file of CONFIG_FILES) {
    try {
      await Deno.stat(join(dir, file));
      return true;
    } catch {
      // Look for the next one.
    }
  }
  return false;
}

/**
 * Writes any demo model missing from `repo` (version 1 + config.pbtxt); existing ones are kept,
 * except a config.json in the pre-Triton schema an earlier seed wrote, which is replaced.
 */
export async function seedDemoRepository(repo: string): Promise<string[]> {
  const written: string[] = [];
  for (const spec of DEMO_MODELS) {
    const dir = join(repo, spec.name);
    if (await hasPreTritonDemoConfig(dir)) await Deno.remove(join(dir, "config.json"));
    else if (await hasConfig(dir)) continue;
    await Deno.mkdir(join(dir, "1"), { recursive: true });
    await writeModelFile(join(dir, "1", "model.onnx"), buildMlpClassifier({ ...spec }));
    const config = { name: spec.name, ...DEMO_CONFIGS[spec.name] };
    await Deno.writeTextFile(join(dir, "config.pbtxt"), toPbtxt(config));
    written.push(spec.name);
  }
  return written;
}
