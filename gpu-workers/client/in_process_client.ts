/**
 * The typed OIP client's in-process transport: where the gateway and the pool share a process
 * (the embedded default), an edge handler's inference is a call into the pool, with no HTTP
 * hop, no JSON round trip for binary tensors and no copy of their bytes. It answers and fails
 * exactly as the HTTP transport does: the same shapes, and `OipError` with the problem the
 * pool's HTTP API would have sent.
 */
import {
  type InferRequest,
  type InferResponse,
  type Tensor,
  tensorFromJson,
  tensorToJson,
  viewAs,
} from "@edgeml/shared/contracts";
import { DomainError } from "@edgeml/shared/errors";
import { domainProblem } from "@edgeml/shared/http";
import type { Pool } from "../pool/pool.ts";
import { poolServerMetadata } from "../server/server_metadata.ts";
import { type BinaryInferResult, type OipClient, OipError } from "./oip_client.ts";

/** Turns a domain error into the `OipError` the HTTP transport would raise for it. */
function asOipError(e: unknown): unknown {
  if (!(e instanceof DomainError)) return e;
  const problem = domainProblem(e);
  return new OipError(problem.status, {
    type: `https://edgeml.dev/problems/${problem.code}`,
    title: problem.title ?? problem.code,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...problem.extra,
  }, problem.headers?.["Retry-After"]);
}

async function call<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asOipError(e);
  }
}

/** A probe answers false where the HTTP transport's would get an error status. */
function asBoolean(fn: () => boolean): Promise<boolean> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    if (e instanceof DomainError) return Promise.resolve(false);
    return Promise.reject(e);
  }
}

export function createInProcessClient(pool: Pool): OipClient {
  return {
    live: () => Promise.resolve(pool.live),
    ready: () => Promise.resolve(pool.ready),
    serverMetadata: () => Promise.resolve(poolServerMetadata()),
    modelMetadata: (model, version) => call(() => pool.metadata(model, version)),
    modelReady: (model, version) => asBoolean(() => pool.isReady(model, version)),
    infer: (model, request: InferRequest, version) =>
      call(async (): Promise<InferResponse> => {
        const tensors = request.inputs.map(tensorFromJson);
        const timeout = request.parameters?.timeout;
        const result = await pool.infer(model, version, {
          tensors,
          outputs: request.outputs?.map((o) => o.name),
          timeoutUs: typeof timeout === "number" ? timeout : undefined,
        });
        return {
          model_name: result.modelName,
          model_version: result.modelVersion,
          ...(request.id !== undefined ? { id: request.id } : {}),
          outputs: result.outputs.map(tensorToJson),
        };
      }),
    inferBinary: (model, inputs, options = {}) =>
      call(async (): Promise<BinaryInferResult> => {
        const tensors: Tensor[] = inputs.map((i) => ({
          name: i.name,
          datatype: i.datatype,
          shape: i.shape,
          bytes: new Uint8Array(i.data.buffer, i.data.byteOffset, i.data.byteLength),
        }));
        const result = await pool.infer(model, options.version, {
          tensors,
          outputs: options.outputs,
          timeoutUs: options.timeoutUs,
        });
        const outputs: BinaryInferResult["outputs"] = {};
        for (const o of result.outputs) {
          outputs[o.name] = {
            shape: o.shape,
            datatype: o.datatype,
            data: viewAs(o.datatype, o.bytes),
          };
        }
        const response: InferResponse = {
          model_name: result.modelName,
          model_version: result.modelVersion,
          ...(options.id !== undefined ? { id: options.id } : {}),
          outputs: result.outputs.map((o) => ({
            name: o.name,
            datatype: o.datatype,
            shape: o.shape,
            parameters: { binary_data_size: o.bytes.byteLength },
          })),
        };
        return { response, outputs };
      }),
    repositoryIndex: (readyOnly) => call(() => pool.index(readyOnly ?? false)),
    load: (model, config) =>
      call(() => pool.load(model, config === undefined ? undefined : JSON.stringify(config))),
    unload: (model) => call(() => pool.unload(model)),
    metrics: () => pool.metrics.registry.metrics(),
  };
}
