/**
 * The pool driven the way NVIDIA's Python client (`tritonclient.http`) drives Triton: the exact
 * requests it sends (repository bodies without Content-Type, `GET /v2/models/stats`, model
 * config, gzip and zlib-deflate request bodies, `Accept-Encoding` on inference) and the limits
 * a hostile caller must not pass (deep nesting, huge timeouts), over real HTTP and real workers.
 */
import assert from "node:assert/strict";
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  ModelStatisticsResponse,
  type ModelVersionStatistics,
} from "@edgeml/shared/contracts";
import { assertProblem } from "@edgeml/shared/testing";
import { createFixtureRepository, inputRows, SMALL } from "../testing/fixture_repository.ts";
import { type PoolServer, startPoolServer } from "./pool_server.ts";

type Bytes = Uint8Array<ArrayBuffer>;
const encoder = new TextEncoder();

/**
 * A pool over `small` (asked), `idle` (loaded, never asked), `broken` (its file is not ONNX)
 * and `wide` (256 outputs per row: responses worth compressing).
 */
async function withServer(fn: (server: PoolServer, repo: string) => Promise<void>) {
  const repo = await createFixtureRepository([
    { name: "small", config: { max_batch_size: 8 }, versions: [SMALL] },
    { name: "idle", config: { max_batch_size: 8 }, versions: [SMALL] },
    { name: "broken", config: { max_batch_size: 8 }, versions: [encoder.encode("not onnx")] },
    { name: "wide", config: { max_batch_size: 8 }, versions: [{ ...SMALL, numClasses: 256 }] },
  ]);
  try {
    const server = await startPoolServer({ repository: repo, gpus: [] });
    try {
      await fn(server, repo);
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

/** Bytes, never a string: a string body would get `text/plain` from fetch, tritonclient sends none. */
const bytes = (value: unknown): Bytes => encoder.encode(JSON.stringify(value));

async function compress(data: Bytes, format: CompressionFormat): Promise<Bytes> {
  const stream = new Blob([data]).stream().pipeThrough(
    new CompressionStream(format) as unknown as TransformStream<Uint8Array, Bytes>,
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function decompress(data: Bytes, format: CompressionFormat): Promise<Bytes> {
  const stream = new Blob([data]).stream().pipeThrough(
    new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Bytes>,
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function jsonRequest(rows: number, seed = 0) {
  return {
    inputs: [{
      name: "input",
      datatype: "FP32",
      shape: [rows, 16],
      data: Array.from(inputRows(rows, 16, seed)),
    }],
  };
}

/** The binary extension as tritonclient builds it: JSON header, then the raw input bytes. */
function binaryRequest(rows: number, seed = 0, binaryOutputs = true) {
  const x = inputRows(rows, 16, seed);
  const header = bytes({
    inputs: [{
      name: "input",
      datatype: "FP32",
      shape: [rows, 16],
      parameters: { binary_data_size: x.byteLength },
    }],
    outputs: [{ name: "probabilities", parameters: { binary_data: binaryOutputs } }],
  });
  const body = new Uint8Array(header.byteLength + x.byteLength);
  body.set(header);
  body.set(new Uint8Array(x.buffer), header.byteLength);
  return { body, headerLength: String(header.byteLength) };
}

const post = (url: string, body: Bytes, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers });

/** Re-reads a statistics URL until `done` holds (each read is a round trip; no sleeping). */
async function untilStats(
  url: string,
  done: (stats: ModelVersionStatistics[]) => boolean,
  timeoutMs = 10_000,
): Promise<ModelVersionStatistics[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    const body = ModelStatisticsResponse.parse(await res.json());
    if (done(body.model_stats)) return body.model_stats;
    if (Date.now() > deadline) {
      throw new Error(`timed out: ${url} ${JSON.stringify(body.model_stats)}`);
    }
  }
}

Deno.test("triton: load_model posts JSON without Content-Type; config= overrides; files= is refused", async () => {
  await withServer(async ({ url }) => {
    const load = (body: Bytes, headers: Record<string, string> = {}) =>
      post(`${url}/v2/repository/models/small/load`, body, headers);
    // load_model("small"): "{}" with no Content-Type.
    let res = await load(bytes({}));
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {});
    // An empty body, as other clients send.
    res = await load(new Uint8Array(0));
    assert.equal(res.status, 200);
    await res.body?.cancel();
    // load_model("small", config=json.dumps({...})): the config as a string parameter.
    res = await load(bytes({ parameters: { config: JSON.stringify({ max_batch_size: 4 }) } }));
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
    const config = await (await fetch(`${url}/v2/models/small/config`)).json();
    assert.equal(config.max_batch_size, 4);
    // load_model(files={"file:1/model.onnx": b"..."}): base64 file contents.
    const refused = await assertProblem(
      load(bytes({
        parameters: { config: "{}", "file:1/model.onnx": btoa("onnx bytes") },
      })),
      400,
      "file_override_unsupported",
    );
    assert.match(String(refused.error), /not supported/);
    // A foreign Content-Type is still refused.
    await assertProblem(
      load(bytes({}), { "content-type": "text/csv" }),
      415,
      "unsupported_media_type",
    );
  });
});

Deno.test("triton: get_model_config per model and per version; unknown ones are 404 with error", async () => {
  await withServer(async ({ url }) => {
    for (const path of ["/v2/models/small/config", "/v2/models/small/versions/1/config"]) {
      const res = await fetch(url + path);
      assert.equal(res.status, 200, path);
      const config = await res.json();
      assert.equal(config.max_batch_size, 8, path);
    }
    const missing = await assertProblem(
      fetch(`${url}/v2/models/nope/config`),
      404,
      "model_not_found",
    );
    assert.equal(typeof missing.error, "string");
    await assertProblem(
      fetch(`${url}/v2/models/small/versions/9/config`),
      404,
      "version_not_found",
    );
  });
});

Deno.test("triton: statistics for all models, one model, one version count what was served", async () => {
  await withServer(async ({ url }) => {
    // /v2/models/stats is the statistics extension, not the metadata of a model "stats".
    let all = await untilStats(`${url}/v2/models/stats`, () => true);
    assert.deepEqual(all.map((s) => `${s.name}/${s.version}`), ["idle/1", "small/1", "wide/1"]);
    assert.equal(all.find((s) => s.name === "idle")!.execution_count, 0);

    // Three requests of one row, then one of three rows, one after another: four executions.
    const before = Date.now();
    for (const rows of [1, 1, 1, 3]) {
      const res = await post(`${url}/v2/models/small/infer`, bytes(jsonRequest(rows)));
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
    }
    const [small] = await untilStats(
      `${url}/v2/models/small/stats`,
      (s) => s[0]?.inference_stats.success.count === 4,
    );
    assert.equal(small.name, "small");
    assert.equal(small.version, "1");
    assert.equal(small.inference_count, 6);
    assert.equal(small.execution_count, 4);
    assert.ok(small.last_inference >= before - 1000 && small.last_inference <= Date.now() + 1000);
    const s = small.inference_stats;
    assert.equal(s.fail.count, 0);
    assert.ok(s.success.ns > 0);
    for (const phase of [s.queue, s.compute_input, s.compute_infer, s.compute_output]) {
      assert.equal(phase.count, 4);
    }
    assert.ok(s.compute_infer.ns > 0);
    assert.deepEqual(s.cache_hit, { count: 0, ns: 0 });
    assert.deepEqual(
      small.batch_stats.map((b) => [b.batch_size, b.compute_infer.count]),
      [[1, 3], [3, 1]],
    );

    const [version] = await untilStats(`${url}/v2/models/small/versions/1/stats`, () => true);
    assert.equal(version.inference_count, 6);
    all = await untilStats(`${url}/v2/models/stats`, () => true);
    assert.deepEqual(all.map((x) => [x.name, x.inference_count]), [["idle", 0], ["small", 6], [
      "wide",
      0,
    ]]);

    const unknown = await assertProblem(
      fetch(`${url}/v2/models/nope/stats`),
      404,
      "model_not_found",
    );
    assert.match(String(unknown.error), /nope/);
    await assertProblem(
      fetch(`${url}/v2/models/small/versions/7/stats`),
      404,
      "version_not_found",
    );
  });
});

Deno.test("triton: gzip and deflate request bodies, JSON and binary, infer like plain ones", async () => {
  await withServer(async ({ url }) => {
    const infer = `${url}/v2/models/small/infer`;
    const plain = await (await post(infer, bytes(jsonRequest(2, 5)))).json();
    const binary = binaryRequest(2, 5);
    const plainBinary = new Uint8Array(
      await (await post(infer, binary.body, {
        [INFERENCE_HEADER_CONTENT_LENGTH]: binary.headerLength,
      })).arrayBuffer(),
    );
    for (const format of ["gzip", "deflate"] as const) {
      const json = await post(infer, await compress(bytes(jsonRequest(2, 5)), format), {
        "content-encoding": format,
      });
      assert.equal(json.status, 200, await json.clone().text());
      assert.deepEqual(await json.json(), plain, format);
      // Inference-Header-Content-Length counts the uncompressed header.
      const res = await post(infer, await compress(binary.body, format), {
        "content-encoding": format,
        [INFERENCE_HEADER_CONTENT_LENGTH]: binary.headerLength,
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), plainBinary, format);
    }
    const unknown = await post(infer, bytes(jsonRequest(1)), { "content-encoding": "br" });
    assert.equal(unknown.headers.get("accept-encoding"), "gzip, deflate");
    await assertProblem(unknown, 415, "unsupported_content_encoding");
    await assertProblem(
      post(infer, encoder.encode("garbage"), { "content-encoding": "gzip" }),
      400,
      "malformed_content_encoding",
    );
  });
});

Deno.test("triton: Accept-Encoding gzip or deflate compresses inference responses, binary ones too", async () => {
  await withServer(async ({ url, app }) => {
    const path = "/v2/models/wide/infer";
    // Eight rows of 256 outputs, as JSON and binary: large enough to be worth compressing.
    const binary = binaryRequest(8, 3);
    const binaryHeaders = { [INFERENCE_HEADER_CONTENT_LENGTH]: binary.headerLength };
    const ask = (body: Bytes, headers: Record<string, string>) =>
      app.request(path, { method: "POST", body, headers });
    // No Accept-Encoding (in process, so that nothing adds one): plain, as before.
    const plain = await ask(bytes(jsonRequest(8, 3)), {});
    assert.equal(plain.headers.get("content-encoding"), null);
    const plainJson = new Uint8Array(await plain.arrayBuffer());
    const plainBinaryRes = await ask(binary.body, binaryHeaders);
    const headerLength = plainBinaryRes.headers.get(INFERENCE_HEADER_CONTENT_LENGTH);
    const plainBinary = new Uint8Array(await plainBinaryRes.arrayBuffer());
    for (const format of ["gzip", "deflate"] as const) {
      const json = await ask(bytes(jsonRequest(8, 3)), { "accept-encoding": format });
      assert.equal(json.status, 200);
      assert.equal(json.headers.get("content-encoding"), format);
      const raw = new Uint8Array(await json.arrayBuffer());
      assert.deepEqual(await decompress(raw, format), plainJson);
      const bin = await ask(binary.body, { ...binaryHeaders, "accept-encoding": format });
      assert.equal(bin.headers.get("content-encoding"), format);
      assert.equal(bin.headers.get("content-type"), "application/octet-stream");
      // The header length still counts the uncompressed JSON header.
      assert.equal(bin.headers.get(INFERENCE_HEADER_CONTENT_LENGTH), headerLength);
      const inflated = await decompress(new Uint8Array(await bin.arrayBuffer()), format);
      assert.deepEqual(inflated, plainBinary);
    }
    // Over HTTP, as tritonclient asks: both offered, gzip chosen.
    const res = await post(url + path, bytes(jsonRequest(8, 3)), {
      "accept-encoding": "gzip, deflate",
    });
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), plainJson); // fetch inflates it
    // An error answer stays readable whatever was offered.
    const error = await ask(bytes({ inputs: "x" }), { "accept-encoding": "gzip" });
    assert.equal(error.headers.get("content-encoding"), null);
    await assertProblem(error, 400, "invalid_request");
  });
});

Deno.test("triton: hostile limits: 3,000-deep data, huge timeouts, NaN outputs, server paths", async () => {
  await withServer(async ({ url, pool }, repo) => {
    const infer = `${url}/v2/models/small/infer`;
    const deep = "[".repeat(3000) + "1" + "]".repeat(3000);
    const nested = await assertProblem(
      post(
        infer,
        encoder.encode(
          `{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":${deep}}]}`,
        ),
      ),
      400,
      "too_deeply_nested",
    );
    assert.equal(typeof nested.error, "string");

    for (const timeout of [2 ** 31 * 1000, 2 ** 53]) {
      const body = { ...jsonRequest(1), parameters: { timeout } };
      const problem = await assertProblem(post(infer, bytes(body)), 400, "timeout_too_large");
      assert.match(String(problem.error), /3600000000 µs/);
    }

    // A NaN input row (binary, as JSON cannot carry one) gives NaN probabilities, asked as JSON.
    const x = new Float32Array(16).fill(NaN);
    const header = bytes({
      inputs: [{
        name: "input",
        datatype: "FP32",
        shape: [1, 16],
        parameters: { binary_data_size: 64 },
      }],
    });
    const body = new Uint8Array(header.byteLength + 64);
    body.set(header);
    body.set(new Uint8Array(x.buffer), header.byteLength);
    const res = await post(infer, body, {
      [INFERENCE_HEADER_CONTENT_LENGTH]: String(header.byteLength),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /"data":\[NaN,NaN,NaN\]/);
    assert.doesNotMatch(text, /null/);

    // A model file that does not load: the reason names no server path.
    const broken = await assertProblem(
      post(`${url}/v2/repository/models/broken/load`, bytes({})),
      422,
      "model_load_failed",
    );
    for (const text of [broken.detail, String(broken.error)]) {
      assert.ok(!text.includes(repo), text);
      assert.doesNotMatch(text, /\/tmp\//);
    }
    const index = await (await post(`${url}/v2/repository/index`, new Uint8Array(0))).json();
    for (const entry of index) assert.ok(!String(entry.reason ?? "").includes(repo), entry.reason);
    // The pool records it so: in-process callers (no HTTP layer) see no path either.
    for (const entry of await pool.index()) {
      assert.ok(!String(entry.reason ?? "").includes(repo), String(entry.reason));
    }
  });
});
