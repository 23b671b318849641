/**
 * The behaviour every {@link ArtifactStore} shares, as Deno tests: run against the local store
 * and the S3 store alike, so that nothing above the interface can tell them apart.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DomainError } from "../../errors/domain_error.ts";
import type { ArtifactStore } from "../artifact_store.ts";

/** A fresh, empty store for one test, and how to dispose of it. */
export type OpenStore = () => Promise<{ store: ArtifactStore; close(): Promise<void> }>;

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => data && new TextDecoder().decode(data);

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map(bytes));
}

async function paths(store: ArtifactStore, prefix?: string): Promise<string[]> {
  return (await Array.fromAsync(store.list(prefix))).map((info) => info.path);
}

const isInvalidPath = (e: unknown) =>
  e instanceof DomainError && e.kind === "invalid" && e.code === "invalid_artifact_path";

/** Registers the shared tests, named `<name>: …`. */
export function artifactStoreContract(name: string, open: OpenStore): void {
  const test = (what: string, fn: (store: ArtifactStore) => Promise<void>) =>
    Deno.test(`${name}: ${what}`, async () => {
      const { store, close } = await open();
      try {
        await fn(store);
      } finally {
        await close();
      }
    });

  test("put then get, stat and getStream return the bytes; a put replaces", async (store) => {
    await store.put("a/b/model.onnx", bytes("first"));
    await store.put("a/b/model.onnx", bytes("second!"));
    assert.equal(text(await store.get("a/b/model.onnx")), "second!");
    const info = await store.stat("a/b/model.onnx");
    assert.equal(info?.path, "a/b/model.onnx");
    assert.equal(info?.size, 7);
    assert.ok(info!.modified.getTime() > 0);
    const stream = await store.getStream("a/b/model.onnx");
    assert.equal(await new Response(stream).text(), "second!");
  });

  test("a stream body is stored whole", async (store) => {
    await store.put("streamed/data.bin", streamOf("chunk one, ", "chunk two, ", "three"));
    assert.equal(text(await store.get("streamed/data.bin")), "chunk one, chunk two, three");
  });

  test("missing artifacts are undefined and deleting one is not an error", async (store) => {
    assert.equal(await store.get("nothing/here"), undefined);
    assert.equal(await store.getStream("nothing/here"), undefined);
    assert.equal(await store.stat("nothing/here"), undefined);
    await store.delete("nothing/here");
    await store.put("folder/inside", bytes("x"));
    assert.equal(await store.get("folder"), undefined, "a folder is not an artifact");
  });

  test("list is a string prefix, in path order; delete removes", async (store) => {
    for (const path of ["m/run-2/b", "m/run-1/a", "m/run-10/c", "n/x", "m/run-1/sub/d"]) {
      await store.put(path, bytes(path));
    }
    assert.deepEqual(await paths(store), [
      "m/run-1/a",
      "m/run-1/sub/d",
      "m/run-10/c",
      "m/run-2/b",
      "n/x",
    ]);
    assert.deepEqual(await paths(store, "m/run-1/"), ["m/run-1/a", "m/run-1/sub/d"]);
    assert.deepEqual(await paths(store, "m/run-1"), ["m/run-1/a", "m/run-1/sub/d", "m/run-10/c"]);
    assert.deepEqual(await paths(store, "zzz/"), []);
    const [info] = await Array.fromAsync(store.list("n/"));
    assert.equal(info.size, 3);
    await store.delete("m/run-1/a");
    await store.delete("m/run-1/sub/d");
    assert.deepEqual(await paths(store, "m/"), ["m/run-10/c", "m/run-2/b"]);
  });

  test("paths with spaces and punctuation round-trip", async (store) => {
    const path = "models/my model (v2)/weights+bias=1.onnx";
    await store.put(path, bytes("w"));
    assert.equal(text(await store.get(path)), "w");
    assert.deepEqual(await paths(store, "models/my model"), [path]);
  });

  test("every method refuses paths that could leave the store or the tenant", async (store) => {
    for (const bad of ["", "/abs", "a/../b", "..", "a//b", "a\\b", "a/", "./a", "a/.hidden"]) {
      await assert.rejects(store.put(bad, bytes("x")), isInvalidPath, `put ${bad}`);
      await assert.rejects(store.get(bad), isInvalidPath, `get ${bad}`);
      await assert.rejects(store.stat(bad), isInvalidPath, `stat ${bad}`);
      await assert.rejects(store.delete(bad), isInvalidPath, `delete ${bad}`);
    }
    await assert.rejects(Array.fromAsync(store.list("../")), isInvalidPath);
    assert.deepEqual(await paths(store), []);
  });
}
