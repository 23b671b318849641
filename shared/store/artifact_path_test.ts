import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
import { checkArtifactPath, checkArtifactPrefix } from "./artifact_path.ts";

const refused = (fn: () => unknown, label: string) =>
  assert.throws(
    fn,
    (e: unknown) =>
      e instanceof DomainError && e.kind === "invalid" && e.code === "invalid_artifact_path",
    label,
  );

Deno.test("checkArtifactPath accepts relative slash-separated paths", () => {
  for (const ok of ["a", "default/swa/mlp/run-1/gen-000001/average.onnx", "x/my model (2).onnx"]) {
    assert.equal(checkArtifactPath(ok), ok);
  }
  assert.equal(checkArtifactPath("a".repeat(1024)).length, 1024);
});

Deno.test("checkArtifactPath refuses empty, absolute, dotted, backslashed and over-long paths", () => {
  for (
    const bad of [
      "",
      "/etc/passwd",
      "..",
      "../x",
      "a/../../x",
      "a/./b",
      "a//b",
      "a/",
      ".tmp",
      "a/.b.tmp",
      "a\\b",
      "C:\\x",
      "a\nb",
      "a\u0000b",
      "a".repeat(1025),
    ]
  ) {
    refused(() => checkArtifactPath(bad), JSON.stringify(bad));
  }
});

Deno.test("checkArtifactPrefix allows everything, folders and partial names", () => {
  for (const ok of ["", "default/", "default/swa/ml", "a"]) {
    assert.equal(checkArtifactPrefix(ok), ok);
  }
  for (const bad of ["/", "../", "a//", "a/../", "a\\"]) {
    refused(() => checkArtifactPrefix(bad), JSON.stringify(bad));
  }
});
