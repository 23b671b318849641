/**
 * ONNX Runtime session creation with explicit provider fallback. Asking ORT for
 * `["cuda", "cpu"]` fails outright when the CUDA provider library is missing, so each
 * provider is tried alone, in order, and every failure is kept to be reported.
 */
import * as ort from "onnxruntime-node";
import type { ExecutionProvider, TensorMetadata } from "@edgeml/shared/contracts";
import { datatypeFromOrt } from "@edgeml/shared/contracts/wire";
import { redactPaths } from "@edgeml/shared/errors";
import type { ProviderAttempt } from "../ipc/messages.ts";

// Failed provider loads are reported through our own reply; ORT's console noise is not.
ort.env.logLevel = "fatal";

export interface CreatedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  fallbacks: ProviderAttempt[];
}

export interface SessionOptions {
  intraOpThreads?: number;
  /**
   * CUDA device ordinal as this process sees it: the GPU id for device threads; 0 in an isolated
   * worker process, whose CUDA_VISIBLE_DEVICES narrows it to its own GPU.
   */
  deviceId?: number;
}

function providerOption(
  provider: ExecutionProvider,
  deviceId: number,
): ort.InferenceSession.ExecutionProviderConfig {
  return provider === "cuda" ? { name: "cuda", deviceId } : { name: "cpu" };
}

export async function createSessionWithFallback(
  model: Uint8Array,
  providers: readonly ExecutionProvider[],
  { intraOpThreads, deviceId = 0 }: SessionOptions = {},
): Promise<CreatedSession> {
  const fallbacks: ProviderAttempt[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [providerOption(provider, deviceId)],
        graphOptimizationLevel: "all",
        // Spinning intra-op threads would burn the cores that HTTP and batching need between runs.
        extra: { session: { intra_op: { allow_spinning: "0" } } },
        ...(intraOpThreads ? { intraOpNumThreads: intraOpThreads } : {}),
      });
      return { session, provider, fallbacks };
    } catch (e) {
      // ORT's messages may name files of this host; they travel on to metadata and errors.
      const error = redactPaths(String((e as Error).message ?? e)).slice(0, 500);
      fallbacks.push({ provider, error });
    }
  }
  const detail = fallbacks.map((f) => `${f.provider}: ${f.error}`).join("; ");
  throw new Error(`no execution provider could load the model (${detail})`);
}

/** The session's inputs or outputs as OIP metadata (symbolic dimensions become -1). */
export function describeValues(
  metadata: readonly ort.InferenceSession.ValueMetadata[],
): TensorMetadata[] {
  return metadata.map((m) => {
    if (!m.isTensor) throw new Error(`'${m.name}' is not a tensor; only tensor models are served`);
    const datatype = datatypeFromOrt(m.type);
    if (!datatype) throw new Error(`'${m.name}' has unsupported element type ${m.type}`);
    return {
      name: m.name,
      datatype,
      shape: m.shape.map((d) => (typeof d === "number" ? d : -1)),
    };
  });
}
