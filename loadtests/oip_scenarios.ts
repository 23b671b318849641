/**
 * The inference request bodies every load test sends, in both encodings: used by the local
 * benchmark (`gpu-workers/bench`) and mirrored by the k6 script (`loadtests/k6/`).
 */
import { INFERENCE_HEADER_CONTENT_LENGTH } from "@edgeml/shared/contracts";
import { joinBinaryBody } from "@edgeml/shared/contracts/wire";
import { sampleRow, type TensorEncoding } from "./scenario_matrix.ts";

export type { TensorEncoding };

export interface InferBody {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** One request of `rows` rows for a model with input "input" of `width` FP32 columns. */
export function inferBody(encoding: TensorEncoding, width: number, rows = 1): InferBody {
  const data = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) data.set(sampleRow(width, r + 1), r * width);
  if (encoding === "json") {
    const request = {
      inputs: [{ name: "input", datatype: "FP32", shape: [rows, width], data: Array.from(data) }],
    };
    return {
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify(request)),
    };
  }
  const header = {
    parameters: { binary_data_output: true },
    inputs: [{
      name: "input",
      datatype: "FP32",
      shape: [rows, width],
      parameters: { binary_data_size: data.byteLength },
    }],
  };
  const { body, headerLength } = joinBinaryBody(header, [new Uint8Array(data.buffer)]);
  return {
    headers: {
      "content-type": "application/octet-stream",
      [INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()]: String(headerLength),
    },
    body,
  };
}
