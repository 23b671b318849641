import assert from "node:assert/strict";
import { join } from "node:path";
import { bundleEdge, edgeEntryPoints, FORBIDDEN } from "./bundle.ts";

const root = new URL("../../", import.meta.url);

Deno.test("every edge entry point bundles without onnxruntime-node, node:fs or file writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edge-bundle-" });
  try {
    const entries = await edgeEntryPoints(root);
    assert.ok(entries.includes("services/gateway/mod.ts"));
    const results = await Promise.all(entries.map(async (entry, i) => ({
      entry,
      ...(await bundleEdge(root, entry, join(dir, `${i}.js`))),
    })));
    for (const { entry, bytes, violations } of results) {
      assert.ok(bytes > 0, entry);
      assert.deepEqual(violations, [], `${entry} is not edge-safe`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the edge check catches what it is meant to catch", () => {
  const caught = (text: string) => FORBIDDEN.filter(([p]) => p.test(text)).length;
  assert.equal(caught('import * as ort from "onnxruntime-node";'), 1);
  assert.equal(caught('import { readFileSync } from "node:fs";'), 1);
  assert.equal(caught('const fs = require("fs");'), 1);
  assert.equal(caught("await Deno.writeFile(path, bytes);"), 1);
  assert.equal(caught('import { Hono } from "hono"; fetch("https://x")'), 0);
});
