/**
 * Typed client for the SWA serving API (`/v1/swa/…`): one method per route of
 * `@edgeml/shared/contracts/swa`, taking the contracts' request types and returning their
 * response types. Small responses are checked with the contracts' schemas; predictions are
 * returned as sent (they can be large). A failed call throws `SwaApiError` with the status and
 * the server's problem+json `code` and `detail`.
 *
 * @example
 * ```ts
 * const swa = createSwaClient({ baseUrl: "http://127.0.0.1:8000", adminToken });
 * await swa.createModel({ name: "mlp", task: "classification", input: { shape: [64] }, labels });
 * for (const bytes of checkpoints) await swa.uploadCheckpoint("mlp", "run-1", bytes);
 * const job = await swa.finalize("mlp", { samples: 16 });
 * await swa.waitForJob(job.jobId, { onProgress: (j) => console.error(j.progress.stage) });
 * const { predictions } = await swa.predict("mlp", { inputs: [row], mode: "swag" });
 * ```
 * @module
 */
import { z } from "zod";
import {
  CalibrationSetAccepted,
  CheckpointAccepted,
  type CreateSwaModelRequest,
  type EvaluateRequest,
  EvaluateResponse,
  type FinalizeRequest,
  type PredictRequest,
  type PredictResponse,
  SwaJob,
  SwaModel,
  SwaRun,
  SwaVersion,
} from "@edgeml/shared/contracts/swa";
import { swaApiErrorFrom } from "./swa_api_error.ts";
import { pollJob, type WaitForJobOptions } from "./wait_for_job.ts";

export { SwaApiError, SwaJobError } from "./swa_api_error.ts";
export type { WaitForJobOptions } from "./wait_for_job.ts";
export type {
  CheckpointAccepted,
  CreateSwaModelRequest,
  EvaluateRequest,
  EvaluateResponse,
  FinalizeRequest,
  PredictRequest,
  PredictResponse,
  SwaJob,
  SwaModel,
  SwaRun,
  SwaVersion,
};
export type CalibrationSetAccepted = z.infer<typeof CalibrationSetAccepted>;

export interface SwaClientOptions {
  /** The gateway or service origin, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; the mutating routes need it. */
  adminToken?: string;
  fetch?: typeof fetch;
}

export interface SwaClient {
  createModel(request: CreateSwaModelRequest): Promise<SwaModel>;
  listModels(): Promise<SwaModel[]>;
  getModel(name: string): Promise<SwaModel>;
  listRuns(name: string): Promise<SwaRun[]>;
  /** Folds one ONNX checkpoint into the run; a stream is sent as it is read. */
  uploadCheckpoint(
    name: string,
    run: string,
    bytes: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<CheckpointAccepted>;
  /** Stores BN calibration rows (row-major, sent as little-endian float32) under `set`. */
  putCalibrationSet(name: string, set: string, rows: Float32Array): Promise<CalibrationSetAccepted>;
  /** Starts finalising a version; the job's progress is at `getJob` / `waitForJob`. */
  finalize(name: string, request?: FinalizeRequest): Promise<SwaJob>;
  getJob(jobId: string): Promise<SwaJob>;
  /** Polls until ACTIVE (resolves) or FAILED (rejects with a `SwaJobError` carrying the code). */
  waitForJob(jobId: string, options?: WaitForJobOptions): Promise<SwaJob>;
  listVersions(name: string): Promise<SwaVersion[]>;
  getVersion(name: string, version: number): Promise<SwaVersion>;
  deleteVersion(name: string, version: number): Promise<void>;
  /** Makes `version` live (default: the one live before the current); returns the model. */
  rollback(name: string, version?: number): Promise<SwaModel>;
  predict(name: string, request: PredictRequest): Promise<PredictResponse>;
  evaluate(name: string, version: number, request: EvaluateRequest): Promise<EvaluateResponse>;
}

const ModelList = z.object({ models: z.array(SwaModel) });
const RunList = z.object({ runs: z.array(SwaRun) });
const VersionList = z.object({ versions: z.array(SwaVersion) });

export function createSwaClient(
  { baseUrl, adminToken, fetch: fetchImpl = fetch }: SwaClientOptions,
): SwaClient {
  const base = baseUrl.replace(/\/+$/, "");
  const auth: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  const model = (name: string) => `/v1/swa/models/${encodeURIComponent(name)}`;

  async function call(method: string, path: string, body?: BodyInit, type?: string) {
    const headers = { ...auth, ...(type ? { "content-type": type } : {}) };
    const res = await fetchImpl(base + path, { method, headers, body });
    if (!res.ok) throw await swaApiErrorFrom(res);
    return res;
  }
  const getJson = async (path: string) => (await call("GET", path)).json();
  const sendJson = async (method: string, path: string, body: unknown) =>
    (await call(method, path, JSON.stringify(body), "application/json")).json();
  const sendBytes = async (method: string, path: string, body: BodyInit) =>
    (await call(method, path, body, "application/octet-stream")).json();

  const client: SwaClient = {
    createModel: async (request) =>
      SwaModel.parse(await sendJson("POST", "/v1/swa/models", request)),
    listModels: async () => ModelList.parse(await getJson("/v1/swa/models")).models,
    getModel: async (name) => SwaModel.parse(await getJson(model(name))),
    listRuns: async (name) => RunList.parse(await getJson(`${model(name)}/runs`)).runs,
    uploadCheckpoint: async (name, run, bytes) =>
      CheckpointAccepted.parse(
        await sendBytes(
          "POST",
          `${model(name)}/runs/${encodeURIComponent(run)}/checkpoints`,
          bytes as BodyInit,
        ),
      ),
    putCalibrationSet: async (name, set, rows) =>
      CalibrationSetAccepted.parse(
        await sendBytes(
          "PUT",
          `${model(name)}/calibration-sets/${encodeURIComponent(set)}`,
          littleEndianBytes(rows) as BodyInit,
        ),
      ),
    finalize: async (name, request = {}) =>
      SwaJob.parse(await sendJson("POST", `${model(name)}/versions`, request)),
    getJob: async (jobId) =>
      SwaJob.parse(await getJson(`/v1/swa/jobs/${encodeURIComponent(jobId)}`)),
    waitForJob: (jobId, options) => pollJob(client.getJob, jobId, options),
    listVersions: async (name) =>
      VersionList.parse(await getJson(`${model(name)}/versions`)).versions,
    getVersion: async (name, version) =>
      SwaVersion.parse(await getJson(`${model(name)}/versions/${version}`)),
    async deleteVersion(name, version) {
      const res = await call("DELETE", `${model(name)}/versions/${version}`);
      await res.body?.cancel();
    },
    rollback: async (name, version) =>
      SwaModel.parse(
        await sendJson("POST", `${model(name)}/rollback`, version === undefined ? {} : { version }),
      ),
    // Not schema-checked: a batch of predictions can be large and is read as sent.
    predict: async (name, request) =>
      await sendJson("POST", `${model(name)}/predict`, request) as PredictResponse,
    evaluate: async (name, version, request) =>
      EvaluateResponse.parse(
        await sendJson("POST", `${model(name)}/versions/${version}/evaluate`, request),
      ),
  };
  return client;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The rows' bytes as little-endian float32 (a view on little-endian hosts, a copy elsewhere). */
function littleEndianBytes(rows: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  const out = new DataView(new ArrayBuffer(rows.byteLength));
  rows.forEach((value, i) => out.setFloat32(i * 4, value, true));
  return new Uint8Array(out.buffer);
}
