import assert from "node:assert/strict";
import type { InferRequest, Tensor } from "@edgeml/shared/contracts";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { decodeInferRequest, encodeInferResponse, MAX_REQUEST_TIMEOUT_US } from "./infer_codec.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const json = (value: unknown) => encoder.encode(JSON.stringify(value));

/** Binary-extension body: JSON header then the raw bytes; returns the header length too. */
function binaryBody(header: unknown, ...buffers: number[][]) {
  const head = json(header);
  const raw = buffers.flat();
  const body = new Uint8Array(head.byteLength + raw.length);
  body.set(head);
  body.set(raw, head.byteLength);
  return { body, headerLength: String(head.byteLength) };
}

/** Little-endian float32 bytes of the given values. */
function f32(...values: number[]): number[] {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return [...out];
}

Deno.test("decodes a JSON request into tensors", () => {
  const body = json({
    id: "req-1",
    inputs: [
      { name: "x", datatype: "FP32", shape: [1, 2], data: [[0.5, -2]] },
      { name: "k", datatype: "INT64", shape: [1], data: [3] },
    ],
    outputs: [{ name: "y" }],
  });
  const decoded = decodeInferRequest(body, "application/json; charset=utf-8", undefined);
  assert.equal(decoded.request.id, "req-1");
  assert.deepEqual(decoded.request.outputs, [{ name: "y" }]);
  assert.equal(decoded.timeoutUs, undefined);
  assert.equal(decoded.tensors.length, 2);
  const [x, k] = decoded.tensors;
  assert.deepEqual([x.name, x.datatype, x.shape], ["x", "FP32", [1, 2]]);
  assert.deepEqual([...x.bytes], f32(0.5, -2));
  assert.deepEqual([k.name, k.datatype, k.shape], ["k", "INT64", [1]]);
  assert.deepEqual([...k.bytes], [3, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("a JSON body without content-type, or sent as octet-stream, is accepted", () => {
  const body = json({ inputs: [{ name: "x", datatype: "INT32", shape: [1], data: [7] }] });
  for (const type of [undefined, "application/octet-stream", "APPLICATION/JSON"]) {
    assert.deepEqual([...decodeInferRequest(body, type, undefined).tensors[0].bytes], [7, 0, 0, 0]);
  }
});

Deno.test("decodes a binary request mixing one binary input and one JSON input", () => {
  const header = {
    inputs: [
      { name: "json_in", datatype: "INT32", shape: [2], data: [1, -1] },
      {
        name: "bin_in",
        datatype: "FP32",
        shape: [3],
        parameters: { binary_data_size: 12 },
      },
    ],
  };
  const { body, headerLength } = binaryBody(header, f32(1, 2.5, -4));
  const decoded = decodeInferRequest(body, "application/octet-stream", headerLength);
  const [j, b] = decoded.tensors;
  assert.equal(j.name, "json_in");
  assert.deepEqual([...j.bytes], [1, 0, 0, 0, 255, 255, 255, 255]);
  assert.equal(b.name, "bin_in");
  assert.deepEqual(b.shape, [3]);
  assert.deepEqual([...b.bytes], f32(1, 2.5, -4));
});

Deno.test("two binary inputs take consecutive slices in input order", () => {
  const header = {
    inputs: [
      { name: "a", datatype: "UINT8", shape: [2], parameters: { binary_data_size: 2 } },
      { name: "b", datatype: "UINT8", shape: [3], parameters: { binary_data_size: 3 } },
    ],
  };
  const { body, headerLength } = binaryBody(header, [1, 2], [3, 4, 5]);
  const [a, b] = decodeInferRequest(body, undefined, headerLength).tensors;
  assert.deepEqual([...a.bytes], [1, 2]);
  assert.deepEqual([...b.bytes], [3, 4, 5]);
});

Deno.test("binary sizes that do not match the body are invalid: binary_size_mismatch", () => {
  const header = {
    inputs: [{ name: "a", datatype: "UINT8", shape: [4], parameters: { binary_data_size: 4 } }],
  };
  const { body, headerLength } = binaryBody(header, [1, 2, 3]);
  domainErrorFrom(
    () => decodeInferRequest(body, undefined, headerLength),
    "invalid",
    "binary_size_mismatch",
  );
});

Deno.test("a media type that cannot carry JSON (application/xml) is 415", () => {
  domainErrorFrom(
    () => decodeInferRequest(json({ inputs: [] }), "application/xml", undefined),
    "unsupported_media_type",
    "unsupported_media_type",
  );
});

Deno.test("malformed JSON is invalid: malformed_json", () => {
  domainErrorFrom(
    () => decodeInferRequest(encoder.encode('{"inputs": ['), "application/json", undefined),
    "invalid",
    "malformed_json",
  );
});

Deno.test("a body that does not match OIP v2 is invalid: invalid_request with issues", () => {
  const cases = [
    { inputs: [] },
    { inputs: [{ name: "x", datatype: "FLOAT", shape: [1], data: [1] }] },
    { inputs: [{ name: "x", datatype: "FP32", shape: [-1], data: [1] }] },
    {},
  ];
  for (const c of cases) {
    const err = domainErrorFrom(
      () => decodeInferRequest(json(c), "application/json", undefined),
      "invalid",
      "invalid_request",
    );
    const issues = err.extra?.issues as unknown[];
    assert.ok(Array.isArray(issues) && issues.length > 0, JSON.stringify(c));
  }
});

Deno.test("binary_data_size together with data is invalid", () => {
  const header = {
    inputs: [{
      name: "a",
      datatype: "UINT8",
      shape: [2],
      data: [1, 2],
      parameters: { binary_data_size: 2 },
    }],
  };
  const { body, headerLength } = binaryBody(header, [1, 2]);
  domainErrorFrom(
    () => decodeInferRequest(body, undefined, headerLength),
    "invalid",
    "malformed_binary_header",
  );
});

Deno.test("a bad Inference-Header-Content-Length is invalid", () => {
  const { body } = binaryBody({ inputs: [] });
  domainErrorFrom(
    () => decodeInferRequest(body, undefined, "oops"),
    "invalid",
    "malformed_binary_header",
  );
  domainErrorFrom(
    () => decodeInferRequest(body, undefined, String(body.byteLength + 1)),
    "invalid",
    "malformed_binary_header",
  );
});

Deno.test("a non-integer binary_data_size is invalid", () => {
  const header = {
    inputs: [{ name: "a", datatype: "UINT8", shape: [2], parameters: { binary_data_size: "2" } }],
  };
  const { body, headerLength } = binaryBody(header, [1, 2]);
  domainErrorFrom(
    () => decodeInferRequest(body, undefined, headerLength),
    "invalid",
    "malformed_binary_header",
  );
});

Deno.test("parameters.timeout is the queue timeout in µs; a bad one is invalid", () => {
  const withTimeout = (timeout: unknown) =>
    json({
      parameters: { timeout },
      inputs: [{ name: "x", datatype: "INT8", shape: [1], data: [1] }],
    });
  assert.equal(decodeInferRequest(withTimeout(2500), undefined, undefined).timeoutUs, 2500);
  assert.equal(decodeInferRequest(withTimeout(0), undefined, undefined).timeoutUs, 0);
  domainErrorFrom(
    () => decodeInferRequest(withTimeout(-1), undefined, undefined),
    "invalid",
    "invalid_request",
  );
  domainErrorFrom(
    () => decodeInferRequest(withTimeout("5"), undefined, undefined),
    "invalid",
    "invalid_request",
  );
});

// ---- responses ----

const OUTPUTS: Tensor[] = [
  { name: "probs", datatype: "FP32", shape: [1, 2], bytes: new Uint8Array(f32(0.25, 0.75)) },
  { name: "label", datatype: "INT64", shape: [1], bytes: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]) },
];

const req = (extra: Partial<InferRequest> = {}): InferRequest => ({
  inputs: [{ name: "x", datatype: "FP32", shape: [1], data: [0] }],
  ...extra,
});

/** Splits a binary response into its parsed JSON header and the bytes after it. */
async function readBinary(res: Response) {
  const headerLength = Number(res.headers.get("Inference-Header-Content-Length"));
  const body = new Uint8Array(await res.arrayBuffer());
  return {
    header: JSON.parse(decoder.decode(body.subarray(0, headerLength))),
    binary: [...body.subarray(headerLength)],
  };
}

Deno.test("the response is JSON by default", async () => {
  const res = encodeInferResponse(req({ id: "abc" }), "clf", "3", OUTPUTS);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.headers.get("Inference-Header-Content-Length"), null);
  assert.deepEqual(await res.json(), {
    model_name: "clf",
    model_version: "3",
    id: "abc",
    outputs: [
      { name: "probs", datatype: "FP32", shape: [1, 2], data: [0.25, 0.75] },
      { name: "label", datatype: "INT64", shape: [1], data: [1] },
    ],
  });
});

Deno.test("without a request id the response has none", async () => {
  const body = await encodeInferResponse(req(), "clf", "1", OUTPUTS).json();
  assert.equal("id" in body, false);
});

Deno.test("binary_data_output makes every output binary", async () => {
  const res = encodeInferResponse(
    req({ parameters: { binary_data_output: true } }),
    "clf",
    "1",
    OUTPUTS,
  );
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  const { header, binary } = await readBinary(res);
  assert.deepEqual(header, {
    model_name: "clf",
    model_version: "1",
    outputs: [
      { name: "probs", datatype: "FP32", shape: [1, 2], parameters: { binary_data_size: 8 } },
      { name: "label", datatype: "INT64", shape: [1], parameters: { binary_data_size: 8 } },
    ],
  });
  assert.deepEqual(binary, [...f32(0.25, 0.75), 1, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("a per-output binary_data: true makes only that output binary", async () => {
  const res = encodeInferResponse(
    req({ outputs: [{ name: "label", parameters: { binary_data: true } }, { name: "probs" }] }),
    "clf",
    "1",
    OUTPUTS,
  );
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  const headerLength = res.headers.get("Inference-Header-Content-Length");
  const { header, binary } = await readBinary(res);
  assert.equal(
    Number(headerLength),
    encoder.encode(JSON.stringify(header)).byteLength,
    "the header length is the JSON header's byte count",
  );
  assert.deepEqual(header.outputs, [
    { name: "probs", datatype: "FP32", shape: [1, 2], data: [0.25, 0.75] },
    { name: "label", datatype: "INT64", shape: [1], parameters: { binary_data_size: 8 } },
  ]);
  assert.deepEqual(binary, [1, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("a per-output binary_data: false overrides binary_data_output", async () => {
  const res = encodeInferResponse(
    req({
      parameters: { binary_data_output: true },
      outputs: [{ name: "probs", parameters: { binary_data: false } }],
    }),
    "clf",
    "1",
    OUTPUTS,
  );
  const { header, binary } = await readBinary(res);
  assert.deepEqual(header.outputs[0].data, [0.25, 0.75]);
  assert.deepEqual(header.outputs[1].parameters, { binary_data_size: 8 });
  assert.deepEqual(binary, [1, 0, 0, 0, 0, 0, 0, 0]);
});

// ---- hostile input and non-finite values ----

Deno.test("JSON nested past MAX_JSON_DEPTH is invalid too_deeply_nested, not a stack overflow", () => {
  for (const depth of [3000, 100_000]) {
    const data = "[".repeat(depth) + "1" + "]".repeat(depth);
    const body = encoder.encode(
      `{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":${data}}]}`,
    );
    domainErrorFrom(
      () => decodeInferRequest(body, "application/json", undefined),
      "invalid",
      "too_deeply_nested",
    );
    // The same in the JSON header of a binary body.
    domainErrorFrom(
      () => decodeInferRequest(body, undefined, String(body.byteLength)),
      "invalid",
      "too_deeply_nested",
    );
  }
  // Deep objects too (parameters are flat, but the walk does not care where the depth is).
  const objects = '{"a":'.repeat(200) + "1" + "}".repeat(200);
  domainErrorFrom(
    () =>
      decodeInferRequest(
        encoder.encode(`{"parameters":${objects},"inputs":[]}`),
        undefined,
        undefined,
      ),
    "invalid",
    "too_deeply_nested",
  );
  // Nesting within the limit (one level per dimension) still decodes.
  const nested = json({
    inputs: [{
      name: "x",
      datatype: "INT8",
      shape: [1, 1, 1, 1, 1, 1, 1, 2],
      data: [[[[[[[[1, 2]]]]]]]],
    }],
  });
  assert.deepEqual([...decodeInferRequest(nested, undefined, undefined).tensors[0].bytes], [1, 2]);
});

Deno.test("parameters.timeout above one hour is invalid timeout_too_large; one hour passes", () => {
  const withTimeout = (timeout: number) =>
    json({
      parameters: { timeout },
      inputs: [{ name: "x", datatype: "INT8", shape: [1], data: [1] }],
    });
  assert.equal(
    decodeInferRequest(withTimeout(MAX_REQUEST_TIMEOUT_US), undefined, undefined).timeoutUs,
    3_600_000_000,
  );
  for (const timeout of [MAX_REQUEST_TIMEOUT_US + 1, 2 ** 31 * 1000, 2 ** 63]) {
    const err = domainErrorFrom(
      () => decodeInferRequest(withTimeout(timeout), undefined, undefined),
      "invalid",
      "timeout_too_large",
    );
    assert.match(err.detail, /at most|the most/);
  }
});

Deno.test("NaN and ±Infinity outputs are written NaN, Infinity, -Infinity (as Triton), never null", async () => {
  const values = f32(1.5, NaN, Infinity, -Infinity);
  const tensor: Tensor = { name: "y", datatype: "FP32", shape: [4], bytes: new Uint8Array(values) };
  const finite: Tensor = { name: "z", datatype: "FP32", shape: [1], bytes: new Uint8Array(f32(2)) };
  const res = encodeInferResponse(
    { id: "r", inputs: [], outputs: [{ name: "y" }, { name: "z" }] } as InferRequest,
    "m",
    "1",
    [tensor, finite],
  );
  const text = await res.text();
  assert.equal(
    text,
    '{"model_name":"m","model_version":"1","id":"r","outputs":[' +
      '{"name":"y","datatype":"FP32","shape":[4],"data":[1.5,NaN,Infinity,-Infinity]},' +
      '{"name":"z","datatype":"FP32","shape":[1],"data":[2]}]}',
  );
  assert.equal(res.headers.get("content-length"), String(encoder.encode(text).byteLength));
  // Python's json (and rapidjson) read these tokens; a strict JSON parser is told apart loudly.
  assert.throws(() => JSON.parse(text));
  // Asked as binary, the exact bits travel.
  const binary = encodeInferResponse(
    { inputs: [], parameters: { binary_data_output: true } } as unknown as InferRequest,
    "m",
    "1",
    [tensor],
  );
  const bytes = new Uint8Array(await binary.arrayBuffer());
  assert.deepEqual([...bytes.subarray(bytes.byteLength - 16)], values);
});
