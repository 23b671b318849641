/**
 * What the benchmark's peer servers share: what a user serving one ONNX model with Hono and
 * onnxruntime-node would write. A minimal but correct OIP v2 infer codec for one FP32 input
 * `[rows, width]` and its one output (JSON `data`, or the binary tensor extension with
 * `Inference-Header-Content-Length`), with the same JSON shapes in and out as the pool and the
 * same element codecs (`@edgeml/shared/contracts/wire`), so the comparison measures serving
 * architecture rather than a cheaper parser. No zod validation of the whole request: a user's
 * afternoon server checks what it reads and nothing more.
 */
import { Hono } from "hono";
import * as ort from "onnxruntime-node";
import {
  joinBinaryBody,
  splitBinaryBody,
  tensorFromJson,
  tensorToJson,
} from "@edgeml/shared/contracts/wire";
import { buildMlpClassifier, DEMO_MODELS, encodeModel } from "@edgeml/shared/onnx";
// The pool's own session factory: the peers run with exactly the pool's session options.
import { createSessionWithFallback } from "../device/session_factory.ts";

const HEADER_LENGTH = "inference-header-content-length";

export interface PeerModel {
  name: string;
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
  width: number;
}

export interface DecodedInfer {
  rows: number;
  data: Float32Array;
  binaryOutput: boolean;
  id?: string;
}

class BadRequest extends Error {}

interface InferInput {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
  data?: unknown;
  parameters?: { binary_data_size?: unknown };
}

interface InferRequestBody {
  id?: unknown;
  inputs?: InferInput[];
  outputs?: Array<{ name?: unknown; parameters?: { binary_data?: unknown } }>;
  parameters?: { binary_data_output?: unknown };
}

/** Decodes one infer request for `model`; anything malformed throws a 400. */
export async function decodeInfer(request: Request, model: PeerModel): Promise<DecodedInfer> {
  const body = new Uint8Array(await request.arrayBuffer());
  const headerLength = request.headers.get(HEADER_LENGTH);
  let parsed: InferRequestBody;
  let binary: Uint8Array | undefined;
  try {
    if (headerLength !== null) {
      const split = splitBinaryBody(body, headerLength);
      parsed = split.header as InferRequestBody;
      binary = split.binary;
    } else parsed = JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    throw new BadRequest(`malformed request: ${(e as Error).message}`);
  }
  const input = parsed?.inputs?.length === 1 ? parsed.inputs[0] : undefined;
  if (!input || input.name !== model.inputName || input.datatype !== "FP32") {
    throw new BadRequest(`expected one FP32 input '${model.inputName}'`);
  }
  const shape = input.shape;
  if (
    !Array.isArray(shape) || shape.length !== 2 || !Number.isInteger(shape[0]) ||
    shape[0] < 1 || shape[1] !== model.width
  ) {
    throw new BadRequest(`input shape must be [rows, ${model.width}]`);
  }
  const rows = shape[0] as number;
  let data: Float32Array;
  const size = input.parameters?.binary_data_size;
  if (size !== undefined) {
    const bytes = rows * model.width * 4;
    if (input.data !== undefined || size !== bytes || binary?.byteLength !== bytes) {
      throw new BadRequest(`binary_data_size must be ${bytes} and match the body`);
    }
    // A copy: the body's bytes need not be 4-byte aligned.
    data = new Float32Array(binary.slice().buffer);
  } else {
    try {
      const tensor = tensorFromJson({
        name: model.inputName,
        datatype: "FP32",
        shape: [rows, model.width],
        data: input.data as number[],
      });
      data = new Float32Array(tensor.bytes.buffer, tensor.bytes.byteOffset, rows * model.width);
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
  }
  const asked = parsed.outputs?.find((o) => o.name === model.outputName)?.parameters?.binary_data;
  const binaryOutput = asked !== undefined
    ? asked === true
    : parsed.parameters?.binary_data_output === true;
  return {
    rows,
    data,
    binaryOutput,
    ...(typeof parsed.id === "string" ? { id: parsed.id } : {}),
  };
}

/** The infer response for `rows` rows of `output` (row-major FP32). */
export function encodeInfer(model: PeerModel, request: DecodedInfer, output: Float32Array) {
  const shape = [request.rows, output.length / request.rows];
  const bytes = new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  const head = {
    model_name: model.name,
    model_version: "1",
    ...(request.id !== undefined ? { id: request.id } : {}),
  };
  if (!request.binaryOutput) {
    const described = tensorToJson({ name: model.outputName, datatype: "FP32", shape, bytes });
    return new Response(JSON.stringify({ ...head, outputs: [described] }), {
      headers: { "content-type": "application/json" },
    });
  }
  const header = {
    ...head,
    outputs: [{
      name: model.outputName,
      datatype: "FP32",
      shape,
      parameters: { binary_data_size: bytes.byteLength },
    }],
  };
  const { body, headerLength } = joinBinaryBody(header, [bytes]);
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": "application/octet-stream", [HEADER_LENGTH]: String(headerLength) },
  });
}

/** Runs rows through the model; what each peer does differently. */
export type RunRows = (data: Float32Array, rows: number) => Promise<Float32Array>;

/** Loads the model (`--model FILE`, or the demo model built in process) with the pool's options. */
export async function loadPeerModel(file: string | undefined, name: string): Promise<PeerModel> {
  const spec = DEMO_MODELS.find((m) => m.name === name);
  if (!spec) throw new Error(`unknown demo model '${name}'`);
  const bytes = file ? await Deno.readFile(file) : encodeModel(buildMlpClassifier({ ...spec }));
  const { session } = await createSessionWithFallback(bytes, ["cpu"]);
  return {
    name,
    session,
    inputName: session.inputNames[0],
    outputName: session.outputNames[0],
    width: spec.inputSize,
  };
}

/** One session.run of `rows` rows; the output's data. */
export async function runSession(
  model: PeerModel,
  data: Float32Array,
  rows: number,
): Promise<Float32Array> {
  const feeds = { [model.inputName]: new ort.Tensor("float32", data, [rows, model.width]) };
  const results = await model.session.run(feeds);
  return results[model.outputName].data as Float32Array;
}

/** The Hono app of a peer: infer for the one model, a readiness route, and `extra` routes. */
export function peerApp(model: PeerModel, run: RunRows, extra?: (app: Hono) => void): Hono {
  const app = new Hono();
  app.get("/v2/health/ready", (c) => c.json({ ready: true }));
  app.post(`/v2/models/${model.name}/infer`, async (c) => {
    let request: DecodedInfer;
    try {
      request = await decodeInfer(c.req.raw, model);
    } catch (e) {
      if (e instanceof BadRequest) return c.json({ error: e.message }, 400);
      throw e;
    }
    return encodeInfer(model, request, await run(request.data, request.rows));
  });
  extra?.(app);
  return app;
}
