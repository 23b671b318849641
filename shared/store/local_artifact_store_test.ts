import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
import { createLocalArtifactStore } from "./local_artifact_store.ts";
import { artifactStoreContract } from "./testing/artifact_store_contract.ts";

async function tempRoot() {
  const root = await Deno.makeTempDir({ prefix: "artifacts-" });
  return { root, close: () => Deno.remove(root, { recursive: true }) };
}

artifactStoreContract("local artifact store", async () => {
  const { root, close } = await tempRoot();
  return { store: createLocalArtifactStore({ root }), close };
});

const bytes = (text: string) => new TextEncoder().encode(text);

async function tree(root: string, folder = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${root}/${folder}`)) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    out.push(entry.isDirectory ? `${path}/` : path);
    if (entry.isDirectory) out.push(...await tree(root, path));
  }
  return out.sort();
}

Deno.test("local artifact store: artifacts are plain files under the root, no temp files left", async () => {
  const { root, close } = await tempRoot();
  try {
    const store = createLocalArtifactStore({ root: `${root}/data/artifacts` });
    await store.put("default/models/m/1/model.onnx", bytes("onnx"));
    await store.put("default/models/m/1/model.onnx", bytes("onnx v2"));
    assert.equal(
      await Deno.readTextFile(`${root}/data/artifacts/default/models/m/1/model.onnx`),
      "onnx v2",
    );
    assert.deepEqual(await tree(`${root}/data/artifacts`), [
      "default/",
      "default/models/",
      "default/models/m/",
      "default/models/m/1/",
      "default/models/m/1/model.onnx",
    ]);
    await store.delete("default/models/m/1/model.onnx");
    assert.deepEqual(await tree(`${root}/data/artifacts`), [], "emptied folders are pruned");
  } finally {
    await close();
  }
});

Deno.test("local artifact store: a put whose stream fails leaves the previous artifact", async () => {
  const { root, close } = await tempRoot();
  try {
    const store = createLocalArtifactStore({ root });
    await store.put("a/state.json", bytes("old"));
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("half of the new con"));
        controller.error(new Error("connection lost"));
      },
    });
    await assert.rejects(store.put("a/state.json", broken), DomainError);
    assert.equal(new TextDecoder().decode(await store.get("a/state.json")), "old");
    assert.deepEqual(await tree(root), ["a/", "a/state.json"], "the temp file is gone");
  } finally {
    await close();
  }
});

Deno.test("local artifact store: a torn temp file from a crash is never listed or read", async () => {
  const { root, close } = await tempRoot();
  try {
    const store = createLocalArtifactStore({ root });
    await store.put("a/model.onnx", bytes("whole"));
    await Deno.writeTextFile(`${root}/a/.model.onnx.4f1c.tmp`, "torn");
    assert.deepEqual((await Array.fromAsync(store.list())).map((i) => i.path), ["a/model.onnx"]);
    assert.equal(new TextDecoder().decode(await store.get("a/model.onnx")), "whole");
  } finally {
    await close();
  }
});

Deno.test("local artifact store: a path that is both file and folder is a conflict", async () => {
  const { root, close } = await tempRoot();
  try {
    const store = createLocalArtifactStore({ root });
    await store.put("a/b", bytes("file"));
    await assert.rejects(
      store.put("a/b/c", bytes("under a file")),
      (e: unknown) => e instanceof DomainError && e.code === "artifact_path_conflict",
    );
    await assert.rejects(
      store.put("a", bytes("over a folder")),
      (e: unknown) => e instanceof DomainError && e.code === "artifact_path_conflict",
    );
  } finally {
    await close();
  }
});
