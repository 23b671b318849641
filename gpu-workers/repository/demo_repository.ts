/**
 * Seeds a model repository with the two demo classifiers (built with the ONNX builder) so the
 * embedded default serves something on first start, with no download.
 */
import { join } from "node:path";
import type { ModelConfigInput } from "@edgeml/shared/contracts";
import { buildMlpClassifier, DEMO_MODELS } from "@edgeml/shared/onnx";
import { writeModelFile } from "@edgeml/shared/onnx/files";

/** Batching settings of the demo models: Triton-like defaults sized for small CPUs. */
export const DEMO_CONFIGS: Record<string, ModelConfigInput> = {
  mlp_small: {
    max_batch_size: 32,
    dynamic_batching: { max_queue_delay_us: 100, max_queue_size: 1024 },
    instance_group: [{ kind: "gpu", count: 1 }],
  },
  mlp_large: {
    max_batch_size: 64,
    dynamic_batching: { max_queue_delay_us: 100, max_queue_size: 1024 },
    instance_group: [{ kind: "gpu", count: 1 }],
  },
};

/** Writes any demo model missing from `repo` (version 1 + config.json); existing ones are kept. */
export async function seedDemoRepository(repo: string): Promise<string[]> {
  const written: string[] = [];
  for (const spec of DEMO_MODELS) {
    const dir = join(repo, spec.name);
    try {
      await Deno.stat(join(dir, "config.json"));
      continue;
    } catch {
      // Not seeded yet.
    }
    await Deno.mkdir(join(dir, "1"), { recursive: true });
    await writeModelFile(join(dir, "1", "model.onnx"), buildMlpClassifier({ ...spec }));
    const config = { name: spec.name, ...DEMO_CONFIGS[spec.name] };
    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
    written.push(spec.name);
  }
  return written;
}
