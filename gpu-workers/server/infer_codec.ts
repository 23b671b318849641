/**
 * Inference request and response bodies: plain JSON, or the binary tensor extension when the
 * request carries `Inference-Header-Content-Length` (and for outputs asked as binary).
 */
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  InferRequest,
  type InferResponse,
  type InferResponseOutput,
  joinBinaryBody,
  sliceBinary,
  splitBinaryBody,
  type Tensor,
  tensorFromJson,
  tensorToJson,
} from "@edgeml/shared/contracts";
import { invalid, unsupportedMediaType } from "@edgeml/shared/errors";

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
      `parameters.timeout must be microseconds >= 0, got ${timeout}`,
    );
  }
  return { request, tensors, timeoutUs: timeout as number | undefined };
}

function wantsBinary(request: InferRequest, name: string): boolean {
  const asked = request.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
  if (asked !== undefined) return asked === true;
  return request.parameters?.binary_data_output === true;
}

/** Encodes the response: JSON, or JSON header + raw bytes when any output is asked as binary. */
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
  if (buffers.length === 0) {
    return new Response(JSON.stringify(response), {
      headers: { "content-type": "application/json" },
    });
  }
  const { body, headerLength } = joinBinaryBody(response, buffers);
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/octet-stream",
      [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength),
    },
  });
}
