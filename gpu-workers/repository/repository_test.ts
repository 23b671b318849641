import assert from "node:assert/strict";
import { join } from "node:path";
import { DomainError } from "@edgeml/shared/errors";
import { domainErrorFrom, rejectsDomainError } from "@edgeml/shared/testing";
import {
  assertModelName,
  listModels,
  modelFile,
  parseModelConfig,
  readModel,
  selectVersions,
} from "./repository.ts";

/** Runs `fn` in a fresh temporary repository, removed afterwards. */
async function withRepo(fn: (repo: string) => Promise<void>) {
  const repo = await Deno.makeTempDir({ prefix: "repo_test_" });
  try {
    await fn(repo);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

async function writeVersion(repo: string, model: string, version: string) {
  await Deno.mkdir(join(repo, model, version), { recursive: true });
  await Deno.writeFile(join(repo, model, version, "model.onnx"), new Uint8Array([8, 1, 2, 3]));
}

async function writeConfig(repo: string, model: string, text: string) {
  await Deno.mkdir(join(repo, model), { recursive: true });
  await Deno.writeTextFile(join(repo, model, "config.json"), text);
}

Deno.test("listModels lists model folders sorted, skipping files and hidden or odd names", async () => {
  await withRepo(async (repo) => {
    for (const dir of ["resnet", "bert-base", "a_model.v2", ".cache", "has space"]) {
      await Deno.mkdir(join(repo, dir));
    }
    await Deno.writeTextFile(join(repo, "README.md"), "not a model");
    assert.deepEqual(await listModels(repo), ["a_model.v2", "bert-base", "resnet"]);
  });
});

Deno.test("listModels of an empty repository is empty", async () => {
  await withRepo(async (repo) => assert.deepEqual(await listModels(repo), []));
});

Deno.test("readModel reads config.json and the versions that have a model.onnx", async () => {
  await withRepo(async (repo) => {
    await writeConfig(
      repo,
      "resnet",
      JSON.stringify({
        name: "resnet",
        max_batch_size: 8,
        instance_group: [{ kind: "cpu", count: 2 }],
        version_policy: { all: {} },
        dynamic_batching: { max_queue_delay_us: 100 },
      }),
    );
    await writeVersion(repo, "resnet", "10");
    await writeVersion(repo, "resnet", "2");
    await writeVersion(repo, "resnet", "1");
    await Deno.mkdir(join(repo, "resnet", "3")); // no model.onnx: not a version yet
    await Deno.mkdir(join(repo, "resnet", "0")); // versions start at 1
    await writeVersion(repo, "resnet", "latest"); // not a number
    await Deno.writeTextFile(join(repo, "resnet", "4"), "a file, not a folder");

    const model = await readModel(repo, "resnet");
    assert.equal(model.name, "resnet");
    assert.deepEqual(model.available, [1, 2, 10], "ascending numerically");
    assert.equal(model.config.max_batch_size, 8);
    assert.deepEqual(model.config.instance_group, [{ kind: "cpu", count: 2 }]);
    assert.deepEqual(model.config.version_policy, { all: {} });
    assert.deepEqual(model.config.dynamic_batching, {
      max_queue_delay_us: 100,
      preferred_batch_size: [],
      max_queue_size: 0,
      default_timeout_us: 0,
    });
    assert.equal(modelFile(repo, "resnet", 10), join(repo, "resnet", "10", "model.onnx"));
  });
});

Deno.test("a config-less model gets every default", async () => {
  await withRepo(async (repo) => {
    await writeVersion(repo, "plain", "1");
    const model = await readModel(repo, "plain");
    assert.deepEqual(model.available, [1]);
    assert.deepEqual(model.config, {
      platform: "onnxruntime_onnx",
      max_batch_size: 0,
      instance_group: [{ kind: "gpu", count: 1 }],
      version_policy: { latest: { num_versions: 1 } },
      execution_providers: ["cuda", "cpu"],
      parameters: {},
    });
  });
});

Deno.test("a config override replaces config.json", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "m", JSON.stringify({ max_batch_size: 2 }));
    await writeVersion(repo, "m", "1");
    const model = await readModel(repo, "m", JSON.stringify({ max_batch_size: 16 }));
    assert.equal(model.config.max_batch_size, 16);
  });
});

Deno.test("a model folder without versions has none available", async () => {
  await withRepo(async (repo) => {
    await Deno.mkdir(join(repo, "empty"));
    assert.deepEqual((await readModel(repo, "empty")).available, []);
  });
});

Deno.test("a config that is not JSON is unprocessable: invalid_model_config", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "broken", "{ max_batch_size: 4 ");
    const err = await rejectsDomainError(
      readModel(repo, "broken"),
      "unprocessable",
      "invalid_model_config",
    );
    assert.match(err.detail, /not valid JSON/);
  });
});

Deno.test("a config violating the schema is unprocessable: invalid_model_config with the issues", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "bad", JSON.stringify({ max_batch_size: -1, bogus_field: true }));
    const err = await rejectsDomainError(
      readModel(repo, "bad"),
      "unprocessable",
      "invalid_model_config",
    );
    const issues = err.extra?.issues as string[];
    assert.ok(Array.isArray(issues));
    assert.equal(issues.length, 2, JSON.stringify(issues));
    assert.ok(issues.some((i) => i.startsWith("max_batch_size: ")), JSON.stringify(issues));
    assert.ok(issues.some((i) => i.startsWith("(root): ") && i.includes("bogus_field")));
  });
});

Deno.test("parseModelConfig reports nested issue paths", () => {
  const err = domainErrorFrom(
    () => parseModelConfig("m", JSON.stringify({ instance_group: [{ kind: "tpu" }] })),
    "unprocessable",
    "invalid_model_config",
  );
  const issues = err.extra?.issues as string[];
  assert.equal(issues.length, 1);
  assert.ok(issues[0].startsWith("instance_group.0.kind: "), issues[0]);
});

Deno.test("a config naming another model is unprocessable", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "folder_name", JSON.stringify({ name: "other_name" }));
    const err = await rejectsDomainError(
      readModel(repo, "folder_name"),
      "unprocessable",
      "invalid_model_config",
    );
    assert.match(err.detail, /other_name/);
  });
});

Deno.test("a missing model is not_found: model_not_found", async () => {
  await withRepo(async (repo) => {
    await rejectsDomainError(readModel(repo, "ghost"), "not_found", "model_not_found");
  });
});

Deno.test("bad model names are invalid: invalid_model_name", async () => {
  await withRepo(async (repo) => {
    for (const name of ["..", "a..b", "../etc", "a/b", ".hidden", "", "sp ace", "a\\b"]) {
      await rejectsDomainError(readModel(repo, name), "invalid", "invalid_model_name");
      assert.throws(() => assertModelName(name), DomainError, `name '${name}'`);
    }
  });
  for (const name of ["resnet50", "bert-base.v2", "_x", "A1"]) assertModelName(name);
});

Deno.test("selectVersions: latest n takes the highest n", () => {
  assert.deepEqual(selectVersions({ latest: { num_versions: 1 } }, [1, 2, 5]), [5]);
  assert.deepEqual(selectVersions({ latest: { num_versions: 2 } }, [1, 2, 5]), [2, 5]);
  assert.deepEqual(selectVersions({ latest: { num_versions: 9 } }, [1, 2, 5]), [1, 2, 5]);
  assert.deepEqual(selectVersions({ latest: { num_versions: 1 } }, []), []);
});

Deno.test("selectVersions: all serves every available version", () => {
  const available = [1, 3, 4];
  const selected = selectVersions({ all: {} }, available);
  assert.deepEqual(selected, [1, 3, 4]);
  assert.notEqual(selected, available, "a copy, not the caller's array");
});

Deno.test("selectVersions: specific keeps the listed versions that exist, ascending", () => {
  assert.deepEqual(selectVersions({ specific: { versions: [5, 3, 9] } }, [1, 3, 5]), [3, 5]);
  assert.deepEqual(selectVersions({ specific: { versions: [7] } }, [1, 3, 5]), []);
});
