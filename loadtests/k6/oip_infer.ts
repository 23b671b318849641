/**
 * k6 load test of OIP v2 inference, the same scenarios the local benchmark runs:
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8000 -e MODEL=mlp_large -e ENCODING=binary \
 *     -e VUS=64 -e DURATION=30s loadtests/k6/oip_infer.ts
 *
 * (k6 runs TypeScript directly.) Type-checked here with @types/k6; the k6 binary itself is not
 * installable on our build machines, so `gpu-workers/bench` runs these scenarios locally.
 */
import http from "k6/http";
import { check } from "k6";
import { sampleRow, type TensorEncoding, WORKER_SCENARIOS } from "../scenario_matrix.ts";

const BASE_URL = __ENV.BASE_URL ?? "http://127.0.0.1:8000";
const MODEL = __ENV.MODEL ?? "mlp_large";
const ENCODING = (__ENV.ENCODING ?? "binary") as TensorEncoding;
const width = WORKER_SCENARIOS.models.find((m) => m.name === MODEL)?.width ??
  Number(__ENV.WIDTH ?? 784);

export const options = {
  vus: Number(__ENV.VUS ?? 16),
  duration: __ENV.DURATION ?? "30s",
  thresholds: { checks: ["rate>0.999"], http_req_duration: ["p(99)<100"] },
};

function binaryBody(): { body: ArrayBuffer; headers: Record<string, string> } {
  const data = sampleRow(width, 1);
  const header = JSON.stringify({
    parameters: { binary_data_output: true },
    inputs: [{
      name: "input",
      datatype: "FP32",
      shape: [1, width],
      parameters: { binary_data_size: data.byteLength },
    }],
  });
  // The header is ASCII JSON, so one byte per character.
  const body = new Uint8Array(header.length + data.byteLength);
  for (let i = 0; i < header.length; i++) body[i] = header.charCodeAt(i);
  body.set(new Uint8Array(data.buffer), header.length);
  return {
    body: body.buffer,
    headers: {
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(header.length),
    },
  };
}

function jsonBody(): { body: string; headers: Record<string, string> } {
  const data = Array.from(sampleRow(width, 1));
  return {
    body: JSON.stringify({
      inputs: [{ name: "input", datatype: "FP32", shape: [1, width], data }],
    }),
    headers: { "content-type": "application/json" },
  };
}

const request = ENCODING === "binary" ? binaryBody() : jsonBody();

export default function () {
  const res = http.post(`${BASE_URL}/v2/models/${MODEL}/infer`, request.body, {
    headers: request.headers,
  });
  check(res, { "status is 200": (r) => r.status === 200 });
}
