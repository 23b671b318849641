/**
 * Typed client for the pool's OIP v2 API: every test and every service calls workers through
 * it. Responses are validated against the shared contracts; errors surface as `OipError`
 * carrying the server's problem+json body.
 */
import {
  type Datatype,
  INFERENCE_HEADER_CONTENT_LENGTH,
  type InferRequest,
  InferResponse,
  joinBinaryBody,
  type ModelConfigInput,
  ModelMetadata,
  type Problem,
  readProblem,
  RepositoryIndex,
  ServerMetadata,
  splitBinaryBody,
  type TypedArray,
  viewAs,
} from "@edgeml/shared/contracts";

/** A failed call: the status and the server's problem+json body (the shared `Problem` contract). */
export class OipError extends Error {
  constructor(readonly status: number, readonly problem: Problem, readonly retryAfter?: string) {
    super(`${status} ${problem.code}: ${problem.detail}`);
  }
}

export interface BinaryInput {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TypedArray;
}

export interface BinaryInferOptions {
  version?: string;
  id?: string;
  /** Output names to return (all when absent). */
  outputs?: string[];
  /** Ask for outputs as raw bytes too (default true). */
  binaryOutputs?: boolean;
  timeoutUs?: number;
}

export interface BinaryInferResult {
  response: InferResponse;
  /** Output values by name, decoded from binary or JSON. */
  outputs: Record<string, { shape: number[]; datatype: Datatype; data: TypedArray | number[] }>;
}

export interface OipClient {
  live(): Promise<boolean>;
  ready(): Promise<boolean>;
  serverMetadata(): Promise<ServerMetadata>;
  modelMetadata(model: string, version?: string): Promise<ModelMetadata>;
  modelReady(model: string, version?: string): Promise<boolean>;
  infer(model: string, request: InferRequest, version?: string): Promise<InferResponse>;
  inferBinary(
    model: string,
    inputs: BinaryInput[],
    options?: BinaryInferOptions,
  ): Promise<BinaryInferResult>;
  repositoryIndex(readyOnly?: boolean): Promise<RepositoryIndex>;
  load(model: string, config?: ModelConfigInput): Promise<void>;
  unload(model: string): Promise<void>;
  metrics(): Promise<string>;
}

export function createOipClient(baseUrl: string, fetchImpl: typeof fetch = fetch): OipClient {
  const base = baseUrl.replace(/\/$/, "");
  const modelPath = (model: string, version?: string) =>
    `/v2/models/${encodeURIComponent(model)}` +
    (version ? `/versions/${encodeURIComponent(version)}` : "");

  async function call(path: string, init?: RequestInit): Promise<Response> {
    const res = await fetchImpl(base + path, init);
    if (res.ok) return res;
    // A body that is not a problem (a proxy's error page, say) still reads as one.
    const problem = await readProblem(res);
    throw new OipError(res.status, problem, res.headers.get("retry-after") ?? undefined);
  }
  const getJson = async (path: string) => (await call(path)).json();
  const postJson = async (path: string, body: unknown) =>
    (await call(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })).json();
  const ok = async (path: string) => {
    try {
      await call(path).then((r) => r.body?.cancel());
      return true;
    } catch (e) {
      if (e instanceof OipError) return false;
      throw e;
    }
  };

  return {
    live: () => ok("/v2/health/live"),
    ready: () => ok("/v2/health/ready"),
    serverMetadata: async () => ServerMetadata.parse(await getJson("/v2")),
    modelMetadata: async (model, version) =>
      ModelMetadata.parse(await getJson(modelPath(model, version))),
    modelReady: (model, version) => ok(modelPath(model, version) + "/ready"),
    infer: async (model, request, version) =>
      InferResponse.parse(await postJson(modelPath(model, version) + "/infer", request)),
    async inferBinary(model, inputs, options = {}) {
      const { binaryOutputs = true } = options;
      const header: InferRequest = {
        ...(options.id !== undefined ? { id: options.id } : {}),
        parameters: {
          binary_data_output: binaryOutputs,
          ...(options.timeoutUs !== undefined ? { timeout: options.timeoutUs } : {}),
        },
        inputs: inputs.map((i) => ({
          name: i.name,
          datatype: i.datatype,
          shape: i.shape,
          parameters: { binary_data_size: i.data.byteLength },
        })),
        ...(options.outputs ? { outputs: options.outputs.map((name) => ({ name })) } : {}),
      };
      const { body, headerLength } = joinBinaryBody(
        header,
        inputs.map((i) => new Uint8Array(i.data.buffer, i.data.byteOffset, i.data.byteLength)),
      );
      const res = await call(modelPath(model, options.version) + "/infer", {
        method: "POST",
        headers: {
          "content-type": "application/octet-stream",
          [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength),
        },
        body: body as Uint8Array<ArrayBuffer>,
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const length = res.headers.get(INFERENCE_HEADER_CONTENT_LENGTH);
      const split = length === null
        ? { header: JSON.parse(new TextDecoder().decode(bytes)), binary: new Uint8Array(0) }
        : splitBinaryBody(bytes, length);
      const response = InferResponse.parse(split.header);
      const outputs: BinaryInferResult["outputs"] = {};
      let offset = 0;
      for (const o of response.outputs) {
        const size = o.parameters?.binary_data_size;
        if (typeof size === "number") {
          const data = viewAs(o.datatype, split.binary.subarray(offset, offset + size));
          offset += size;
          outputs[o.name] = { shape: o.shape, datatype: o.datatype, data };
        } else {
          outputs[o.name] = {
            shape: o.shape,
            datatype: o.datatype,
            data: (o.data ?? [] as unknown[]).flat(Infinity as 1) as number[],
          };
        }
      }
      return { response, outputs };
    },
    repositoryIndex: async (readyOnly) =>
      RepositoryIndex.parse(
        await postJson("/v2/repository/index", readyOnly ? { ready: true } : {}),
      ),
    async load(model, config) {
      await postJson(
        `/v2/repository/models/${encodeURIComponent(model)}/load`,
        config ? { parameters: { config: JSON.stringify(config) } } : {},
      );
    },
    async unload(model) {
      await postJson(`/v2/repository/models/${encodeURIComponent(model)}/unload`, {});
    },
    metrics: async () => (await call("/metrics")).text(),
  };
}
