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
import { resolveModelConfig } from "./resolved_config.ts";
import { REALISTIC_JSON, REALISTIC_PBTXT } from "./config_fixtures.ts";
import { createFixtureRepository, SMALL } from "../testing/fixture_repository.ts";

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

async function writeConfig(repo: string, model: string, text: string, file = "config.json") {
  await Deno.mkdir(join(repo, model), { recursive: true });
  await Deno.writeTextFile(join(repo, model, file), text);
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
        instance_group: [{ kind: "KIND_CPU", count: 2 }],
        version_policy: { all: {} },
        dynamic_batching: { max_queue_delay_microseconds: 100 },
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
    assert.equal(model.config.maxBatchSize, 8);
    assert.deepEqual(model.config.instanceGroups, [{ kind: "cpu", count: 2 }]);
    assert.deepEqual(model.config.versionPolicy, { all: {} });
    assert.deepEqual(model.config.dynamicBatching, {
      maxQueueDelayUs: 100,
      preferredBatchSizes: [],
      maxQueueSize: 0,
      defaultTimeoutUs: 0,
      timeoutAction: "REJECT",
      allowTimeoutOverride: false,
    });
    assert.equal(modelFile(repo, "resnet", 10), join(repo, "resnet", "10", "model.onnx"));
  });
});

Deno.test("a config-less model gets every default", async () => {
  await withRepo(async (repo) => {
    await writeVersion(repo, "plain", "1");
    const model = await readModel(repo, "plain");
    assert.deepEqual(model.available, [1]);
    assert.deepEqual(model.config, resolveModelConfig("plain", {}));
    assert.equal(model.config.maxBatchSize, 0);
    assert.deepEqual(model.config.instanceGroups, [{ kind: "gpu", count: 1 }]);
    assert.deepEqual(model.config.versionPolicy, { latest: { num_versions: 1 } });
    assert.deepEqual(model.config.executionProviders, ["cuda", "cpu"]);
  });
});

Deno.test("a config override replaces config.json", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "m", JSON.stringify({ max_batch_size: 2 }));
    await writeVersion(repo, "m", "1");
    await writeConfig(repo, "m", "max_batch_size: 4", "config.pbtxt");
    // The override is Triton's model-config JSON, as tritonclient's load_model(config=...) sends.
    const override = JSON.stringify({
      max_batch_size: 16,
      dynamic_batching: { max_queue_delay_microseconds: "300" },
      instance_group: [{ kind: "KIND_CPU", count: 2 }],
    });
    const model = await readModel(repo, "m", override);
    assert.equal(model.config.maxBatchSize, 16);
    assert.equal(model.config.dynamicBatching?.maxQueueDelayUs, 300);
    assert.deepEqual(model.config.instanceGroups, [{ kind: "cpu", count: 2 }]);
    const err = await rejectsDomainError(
      readModel(repo, "m", JSON.stringify({ max_batch_size: 16, max_queue_delay_us: 5 })),
      "unprocessable",
      "invalid_model_config",
    );
    assert.match(err.detail, /max_queue_delay_us/);
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
    assert.match(err.detail, /^broken\/config\.json is not valid JSON/);
    assert.ok(!err.detail.includes(repo), "no server path in the detail");
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
    assert.ok(!err.detail.includes(repo), "no server path in the detail");
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

Deno.test("config.pbtxt is read first, with Triton's names; config.json is the fallback", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "resnet", REALISTIC_PBTXT, "config.pbtxt");
    await writeConfig(repo, "resnet", JSON.stringify({ max_batch_size: 2 }));
    await writeVersion(repo, "resnet", "1");
    await writeVersion(repo, "resnet", "3");
    const fromPbtxt = await readModel(repo, "resnet");
    assert.deepEqual(fromPbtxt.config, resolveModelConfig("resnet", REALISTIC_JSON));
    assert.deepEqual(fromPbtxt.available, [1, 3]);
    assert.deepEqual(selectVersions(fromPbtxt.config.versionPolicy, fromPbtxt.available), [1, 3]);

    await Deno.remove(join(repo, "resnet", "config.pbtxt"));
    await writeConfig(repo, "resnet", JSON.stringify(REALISTIC_JSON));
    assert.deepEqual((await readModel(repo, "resnet")).config, fromPbtxt.config);
  });
});

Deno.test("a pbtxt error names the model's file and the position, not the server path", async () => {
  await withRepo(async (repo) => {
    await writeConfig(
      repo,
      "m",
      "max_batch_size: 8\ninstance_group [{ kind: KIND_CPU, cnt: 2 }]",
      "config.pbtxt",
    );
    const err = await rejectsDomainError(
      readModel(repo, "m"),
      "unprocessable",
      "invalid_model_config",
    );
    assert.match(err.detail, /^m\/config\.pbtxt:2:35: unknown field 'cnt'.*did you mean 'count'/);
    assert.ok(!err.detail.includes(repo), err.detail);
  });
});

Deno.test("an unreadable config says which file without the server path", async () => {
  await withRepo(async (repo) => {
    await Deno.mkdir(join(repo, "m", "config.pbtxt"), { recursive: true });
    const err = await rejectsDomainError(
      readModel(repo, "m"),
      "unprocessable",
      "invalid_model_config",
    );
    assert.match(err.detail, /^m\/config\.pbtxt cannot be read/);
    assert.ok(!err.detail.includes(repo), err.detail);
  });
});

Deno.test("versions hold default_model_filename; modelFile takes the name", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "m", 'default_model_filename: "net.onnx"', "config.pbtxt");
    await writeVersion(repo, "m", "1"); // model.onnx only: not a version of this model
    await Deno.mkdir(join(repo, "m", "2"));
    await Deno.writeFile(join(repo, "m", "2", "net.onnx"), new Uint8Array([8]));
    const model = await readModel(repo, "m");
    assert.equal(model.config.defaultModelFilename, "net.onnx");
    assert.deepEqual(model.available, [2]);
    assert.equal(modelFile(repo, "m", 2, "net.onnx"), join(repo, "m", "2", "net.onnx"));
    assert.throws(() => modelFile(repo, "m", 2, "../x.onnx"), DomainError);
  });
});

Deno.test("a config with too many instances per group is 422 naming the cap", async () => {
  await withRepo(async (repo) => {
    await writeConfig(repo, "m", "instance_group { kind: KIND_CPU count: 64 }", "config.pbtxt");
    const err = await rejectsDomainError(
      readModel(repo, "m"),
      "unprocessable",
      "invalid_model_config",
    );
    assert.match(err.detail, /at most 16 instances per group/);
  });
});

Deno.test("fixture repositories write either config format", async () => {
  const config = {
    max_batch_size: 8,
    instance_group: [{ kind: "KIND_CPU" as const, count: 2 }],
    parameters: { execution_deadline_ms: { string_value: "1000" } },
  };
  const repo = await createFixtureRepository([
    { name: "as_pbtxt", config, format: "pbtxt", versions: [SMALL] },
    { name: "as_json", config, versions: [SMALL] },
  ]);
  try {
    await Deno.stat(join(repo, "as_pbtxt", "config.pbtxt"));
    await Deno.stat(join(repo, "as_json", "config.json"));
    const pbtxt = await readModel(repo, "as_pbtxt");
    const json = await readModel(repo, "as_json");
    assert.deepEqual(pbtxt.config, resolveModelConfig("as_pbtxt", config));
    assert.deepEqual(json.config, resolveModelConfig("as_json", config));
    assert.equal(pbtxt.config.executionDeadlineMs, 1000);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
