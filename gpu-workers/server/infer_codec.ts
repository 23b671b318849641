/**
 * Inference request and response bodies: plain JSON, or the binary tensor extension when the
 * request carries `Inference-Header-Content-Length` (and for outputs asked as binary).
 *
 * Limits a hostile body cannot pass: JSON nested deeper than {@link MAX_JSON_DEPTH} is refused
 * before anything recurses over it, and `parameters.timeout` is at most
 * {@link MAX_REQUEST_TIMEOUT_US} (larger values would overflow the queue timer). Non-finite
 * output values are written as Triton writes them (`NaN`, `Infinity`, `-Infinity`).
 */
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  InferRequest,
  type InferResponse,
  type InferResponseOutput,
  joinBinaryBody,
  MAX_QUEUE_TIMEOUT_US,
  sliceBinary,
  splitBinaryBody,
  type Tensor,
  type TensorData,
  tensorFromJson,
  tensorToJson,
} from "@edgeml/shared/contracts";
import { invalid, unsupportedMediaType } from "@edgeml/shared/errors";

/**
 * Deepest nesting of arrays and objects a request may have. A tensor's `data` nests once per
 * dimension and the request adds four levels around it, so this leaves room for rank 60; a
 * deeper body would only exhaust the stack of the validation that recurses over it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Largest `parameters.timeout` (µs): one hour, the same bound as a model's
 * `default_timeout_microseconds`. Past 2^31 ms the timer would overflow and fire at once,
 * dropping every request; a larger value is refused (400) rather than clamped, so a caller
 * learns that the queue never holds a request that long.
 */
export const MAX_REQUEST_TIMEOUT_US = MAX_QUEUE_TIMEOUT_US;

export interface DecodedInferRequest {
  request: InferRequest;
  tensors: Tensor[];
  timeoutUs?: number;
}

const decoder = new TextDecoder();
/**
 * Media types a JSON request may arrive with. Besides JSON itself: what `curl -d` and `fetch`
 * with a string send by default, and octet-stream, since OIP clients are not strict about it.
 */
const JSON_LIKE =
  /^(application\/(json|[\w.+-]+\+json|octet-stream|x-www-form-urlencoded)|text\/plain)\b/i;

function binarySize(parameters: InferRequest["parameters"]): number | undefined {
  const size = parameters?.binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0) {
    throw invalid(
      "malformed_binary_header",
      `binary_data_size must be a byte count, got ${size}`,
    );
  }
  return size;
}

/**
 * Decodes a request body; everything malformed is `invalid` (400), a foreign media type
 * `unsupported_media_type` (415).
 */
export function decodeInferRequest(
  body: Uint8Array,
  contentType: string | undefined,
  headerLength: string | undefined,
): DecodedInferRequest {
  let raw: unknown;
  let binary: Uint8Array | undefined;
  if (headerLength !== undefined) {
    ({ header: raw, binary } = splitBinaryBody(body, headerLength));
  } else {
    if (contentType && !JSON_LIKE.test(contentType)) {
      throw unsupportedMediaType(
        "unsupported_media_type",
        `send application/json, or the binary extension with ${INFERENCE_HEADER_CONTENT_LENGTH}; got ${contentType}`,
      );
    }
    try {
      raw = JSON.parse(decoder.decode(body));
    } catch (e) {
      throw invalid("malformed_json", `request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  assertDepth(raw);
  // Tensor `data` is checked element by element as it is decoded (tensorFromJson); validating
  // thousands of numbers through the schema's recursive union first would double the cost of a
  // JSON request. The schema sees the request without it.
  const data = detachData(raw);
  const parsed = InferRequest.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join("."),
      message: i.message,
    }));
    throw invalid("invalid_request", "inference request does not match OIP v2", {
      extra: { issues },
    });
  }
  const request = parsed.data;
  for (const [i, values] of data) request.inputs[i].data = values as TensorData;

  const sizes = request.inputs.map((input) => binarySize(input.parameters));
  const pieces = sliceBinary(binary ?? new Uint8Array(0), sizes.filter((s) => s !== undefined));
  let next = 0;
  const tensors = request.inputs.map((input, i): Tensor => {
    if (sizes[i] === undefined) return tensorFromJson(input);
    if (input.data !== undefined) {
      throw invalid(
        "malformed_binary_header",
        `input '${input.name}' has both data and binary_data_size`,
      );
    }
    return {
      name: input.name,
      datatype: input.datatype,
      shape: input.shape,
      bytes: pieces[next++],
    };
  });
  const timeout = request.parameters?.timeout;
  if (timeout !== undefined && (typeof timeout !== "number" || !(timeout >= 0))) {
    throw invalid(
      "invalid_request",
      `parameters.timeout must be microseconds >= 0, got ${JSON.stringify(timeout)}`,
    );
  }
  if (typeof timeout === "number" && timeout > MAX_REQUEST_TIMEOUT_US) {
    throw invalid(
      "timeout_too_large",
      `parameters.timeout is ${timeout} µs; the most a request may wait in the queue is ` +
        `${MAX_REQUEST_TIMEOUT_US} µs (1 hour). Omit it to use the model's default.`,
      { extra: { maxTimeoutUs: MAX_REQUEST_TIMEOUT_US } },
    );
  }
  return { request, tensors, timeoutUs: timeout as number | undefined };
}

/**
 * Refuses JSON nested deeper than {@link MAX_JSON_DEPTH}, walking it without recursion (a
 * recursive walk, or zod's, would overflow the stack on what it is meant to catch).
 */
function assertDepth(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      throw invalid(
        "too_deeply_nested",
        `the request nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`,
        { extra: { maxDepth: MAX_JSON_DEPTH } },
      );
    }
    if (Array.isArray(node)) {
      for (const child of node) {
        if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
      }
    } else {
      for (const key in node as Record<string, unknown>) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
      }
    }
  }
}

function wantsBinary(request: InferRequest, name: string): boolean {
  const asked = request.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
  if (asked !== undefined) return asked === true;
  return request.parameters?.binary_data_output === true;
}

const encoder = new TextEncoder();

/** A JSON number, or the token Triton writes for a non-finite one (rapidjson's kWriteNanAndInfFlag). */
function numberToken(value: number | boolean): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Number.isFinite(value)) return JSON.stringify(value);
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

function hasNonFinite(data: unknown[]): boolean {
  for (const v of data) if (typeof v === "number" && !Number.isFinite(v)) return true;
  return false;
}

/**
 * The response JSON. `JSON.stringify` would turn NaN and ±Infinity into `null`, which reads as
 * a value that is not there; outputs holding one are written with Triton's tokens `NaN`,
 * `Infinity`, `-Infinity` instead (as Triton's JSON writer does, and as Python's json and
 * rapidjson, which `tritonclient` uses, read by default). Binary outputs carry the exact bits.
 */
function responseJson(response: InferResponse): string {
  const outputs = response.outputs;
  if (!outputs.some((o) => o.data !== undefined && hasNonFinite(o.data))) {
    return JSON.stringify(response);
  }
  const written = outputs.map((o) => {
    if (o.data === undefined || !hasNonFinite(o.data)) return JSON.stringify(o);
    const { data, ...rest } = o;
    const head = JSON.stringify(rest); // never empty: name, datatype, shape
    const values = (data as Array<number | boolean>).map(numberToken).join(",");
    return `${head.slice(0, -1)},"data":[${values}]}`;
  });
  const { outputs: _, ...rest } = response;
  const head = JSON.stringify(rest); // never empty: model_name
  return `${head.slice(0, -1)},"outputs":[${written.join(",")}]}`;
}

/**
 * Encodes the response: JSON, or JSON header + raw bytes when any output is asked as binary.
 * `Content-Length` is set (the size is known), so a compression step can judge the size.
 */
export function encodeInferResponse(
  request: InferRequest,
  modelName: string,
  modelVersion: string,
  outputs: readonly Tensor[],
): Response {
  const buffers: Uint8Array[] = [];
  const described: InferResponseOutput[] = outputs.map((tensor) => {
    if (!wantsBinary(request, tensor.name)) return tensorToJson(tensor);
    buffers.push(tensor.bytes);
    return {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: tensor.shape,
      parameters: { binary_data_size: tensor.bytes.byteLength },
    };
  });
  const response: InferResponse = {
    model_name: modelName,
    model_version: modelVersion,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: described,
  };
  const json = responseJson(response);
  if (buffers.length === 0) {
    const head = encoder.encode(json);
    return new Response(head, {
      headers: { "content-type": "application/json", "content-length": String(head.byteLength) },
    });
  }
  const { body, headerLength } = joinBinaryBody(json, buffers);
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(body.byteLength),
      [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength),
    },
  });
}

/**
 * Takes each input's `data` out of a parsed request body (in place) and returns them by input
 * index; `data` that is not an array is left in place for the schema to refuse.
 */
function detachData(raw: unknown): Map<number, unknown[]> {
  const detached = new Map<number, unknown[]>();
  const inputs = (raw as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) return detached;
  inputs.forEach((input, i) => {
    const values = (input as { data?: unknown } | null)?.data;
    if (!Array.isArray(values)) return;
    detached.set(i, values);
    delete (input as { data?: unknown }).data;
  });
  return detached;
}
