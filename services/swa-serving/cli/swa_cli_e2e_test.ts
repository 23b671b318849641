/**
 * The data scientist's loop through `deno task swa` against the real embedded process: create,
 * upload a folder of checkpoints, finalise with a calibration file and wait, predict, evaluate.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { digitsLabels, digitsRows, manifest, TESTDATA } from "../control/testing/fixtures.ts";
import { startEmbedded } from "@edgeml/gateway/testing";
import { runCli } from "./swa_cli.ts";

function capture() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: { write: (text: string) => void (out.stdout += text) },
      stderr: { write: (text: string) => void (out.stderr += text) },
    },
  };
}

Deno.test("swa CLI: create, upload a folder, finalise and wait, predict, evaluate", async () => {
  const server = await startEmbedded();
  const work = await Deno.makeTempDir({ prefix: "swa-cli-" });
  const global = ["--url", server.url, "--token", server.adminToken];
  const run = async (...args: string[]) => {
    const { out, io } = capture();
    const code = await runCli([...args, ...global], io);
    return { code, ...out };
  };
  try {
    const labels = Array.from({ length: 10 }, (_, i) => i).join(",");
    let result = await run(
      "create",
      "cli-digits",
      "--task",
      "classification",
      "--input-shape",
      "64",
      "--labels",
      labels,
      "--rank",
      "10",
    );
    assert.equal(result.code, 0, result.stderr);

    result = await run("upload", "cli-digits", "run0", join(TESTDATA, "mlp", "run0"));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /10 checkpoints/);

    const calibration = digitsRows(manifest.data.calibration_indices);
    await Deno.writeFile(join(work, "calib.f32"), new Uint8Array(calibration.buffer));
    result = await run(
      "finalize",
      "cli-digits",
      "--calibration",
      join(work, "calib.f32"),
      "--samples",
      "4",
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).status, "ACTIVE");

    const indices = manifest.data.test_indices.slice(0, 30);
    const rows = digitsRows(indices);
    const inputs = Array.from(
      { length: 30 },
      (_, r) => Array.from(rows.subarray(r * 64, (r + 1) * 64)),
    );
    await Deno.writeTextFile(join(work, "rows.json"), JSON.stringify(inputs));
    result = await run(
      "predict",
      "cli-digits",
      "--input",
      join(work, "rows.json"),
      "--mode",
      "swag",
    );
    assert.equal(result.code, 0, result.stderr);
    const answer = JSON.parse(result.stdout);
    assert.equal(answer.samples, 4);
    assert.equal(answer.predictions.length, 30);

    await Deno.writeTextFile(
      join(work, "test.json"),
      JSON.stringify({ inputs, labels: Array.from(digitsLabels(indices)) }),
    );
    result = await run("evaluate", "cli-digits", "1", "--data", join(work, "test.json"));
    assert.equal(result.code, 0, result.stderr);
    for (const mode of ["checkpoint", "swa", "swag"]) assert.match(result.stdout, new RegExp(mode));

    result = await run("predict", "missing", "--input", join(work, "rows.json"));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /model_not_found/);
    assert.equal((await run("bogus")).code, 2);
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
});
