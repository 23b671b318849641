import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_CONFIGS, seedDemoRepository } from "./demo_repository.ts";
import { readModel } from "./repository.ts";
import { resolveModelConfig } from "./resolved_config.ts";

Deno.test("the demo repository ships config.pbtxt files that read back as DEMO_CONFIGS", async () => {
  const repo = await Deno.makeTempDir({ prefix: "demo_repo_test_" });
  try {
    // A model with its own config.json is the user's: kept. One with a config.json in the
    // pre-Triton schema (an earlier seed's) is re-seeded.
    await Deno.mkdir(join(repo, "mlp_small"));
    await Deno.writeTextFile(join(repo, "mlp_small", "config.json"), '{"max_batch_size": 4}');
    await Deno.mkdir(join(repo, "mlp_large"));
    await Deno.writeTextFile(
      join(repo, "mlp_large", "config.json"),
      '{"max_batch_size": 64, "dynamic_batching": {"max_queue_delay_us": 100}}',
    );
    assert.deepEqual(await seedDemoRepository(repo), ["mlp_large"]);
    const large = await readModel(repo, "mlp_large");
    assert.deepEqual(large.available, [1]);
    assert.deepEqual(large.config, resolveModelConfig("mlp_large", DEMO_CONFIGS.mlp_large));
    assert.match(
      await Deno.readTextFile(join(repo, "mlp_large", "config.pbtxt")),
      /kind: KIND_GPU/,
    );
    await assert.rejects(Deno.stat(join(repo, "mlp_large", "config.json")), Deno.errors.NotFound);
    assert.equal((await readModel(repo, "mlp_small")).config.maxBatchSize, 4);
    assert.deepEqual(await seedDemoRepository(repo), [], "seeding twice writes nothing");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
