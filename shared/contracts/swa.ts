/**
 * The SWA serving API (`/v1/swa/…`): register a model, stream a training run's ONNX checkpoints
 * into it, finalise a version (SWA model plus BatchNorm-recalibrated SWAG samples, as a job) and
 * predict from the SWA model or the SWAG / MultiSWAG posterior with uncertainty. Each route is
 * declared once here; the service registers these objects and the typed client and the CLI read
 * the same types.
 *
 * Names follow torch.optim.swa_utils (`useBuffers`, `decay`), the SWAG paper (rank K, samples S,
 * `scale`) and the Personalize / Kendra habit for long jobs (`status`, `failureReason`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ADMIN_SECURITY,
  jsonBody,
  jsonResponse as json,
  problemResponse as problem,
} from "./route_parts.ts";

/** A model, run or calibration-set name: 1–64 of `[A-Za-z0-9_-]`, starting alphanumeric. */
export const SwaName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
  "1-64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit",
);

export const SwaTask = z.enum(["classification", "regression"]);
export type SwaTask = z.infer<typeof SwaTask>;

/** How a prediction is made: the SWA model, one run's SWAG posterior, the mixture, or the raw last checkpoint. */
export const PredictMode = z.enum(["swa", "swag", "multiswag", "checkpoint"]);
export type PredictMode = z.infer<typeof PredictMode>;

export const Averaging = z.object({
  /** `equal`: SWA's running mean; `ema`: aₙ₊₁ = decay·aₙ + (1 − decay)·xₙ₊₁. */
  strategy: z.enum(["equal", "ema"]).default("equal"),
  decay: z.number().min(0).max(1).default(0.999),
  /** Average BatchNorm running statistics too (torch's `use_buffers`); BN is recalibrated at finalisation either way. */
  useBuffers: z.boolean().default(false),
});

export const CreateSwaModelRequest = z.object({
  name: SwaName,
  task: SwaTask,
  /** The model's data input: its name in the graph (default: the first graph input) and the shape of one row, batch dimension excluded. */
  input: z.object({
    name: z.string().min(1).optional(),
    shape: z.array(z.number().int().min(1).max(1 << 20)).min(1).max(8),
  }),
  /** Class names in output order (classification; required there). */
  labels: z.array(z.string().min(1).max(200)).min(2).max(10_000).optional(),
  /** Regression: whether the output carries a variance per target after the means ([N, 2·D]). */
  regressionVariance: z.enum(["none", "variance", "log_variance"]).default("none"),
  averaging: Averaging.default({ strategy: "equal", decay: 0.999, useBuffers: false }),
  /** K: deviation rows SWAG keeps for its low-rank covariance (0: diagonal only). */
  swagRank: z.number().int().min(0).max(100).default(20),
});
export type CreateSwaModelRequest = z.input<typeof CreateSwaModelRequest>;

export const SwaRun = z.object({
  run: z.string(),
  /** Checkpoints averaged into this run so far. */
  checkpoints: z.number().int(),
  /** SWAG deviation rows held (at most K). */
  swagRows: z.number().int(),
  updatedAt: z.string(),
});
export type SwaRun = z.infer<typeof SwaRun>;

export const SwaModel = z.object({
  name: z.string(),
  task: SwaTask,
  input: z.object({ name: z.string().optional(), shape: z.array(z.number().int()) }),
  labels: z.array(z.string()).optional(),
  regressionVariance: z.enum(["none", "variance", "log_variance"]),
  averaging: z.object({
    strategy: z.enum(["equal", "ema"]),
    decay: z.number(),
    useBuffers: z.boolean(),
  }),
  swagRank: z.number().int(),
  createdAt: z.string(),
  /** The version predictions come from; null until one is finalised. */
  liveVersion: z.number().int().nullable(),
  runs: z.array(SwaRun),
}).meta({ id: "SwaModel" });
export type SwaModel = z.infer<typeof SwaModel>;

export const CheckpointAccepted = z.object({
  model: z.string(),
  run: z.string(),
  /** Checkpoints in the run's running SWA / SWAG state, this one included. */
  checkpoints: z.number().int(),
  swagRows: z.number().int(),
  /** Bytes of the ONNX file received. */
  bytes: z.number().int(),
});
export type CheckpointAccepted = z.infer<typeof CheckpointAccepted>;

/** Row-major float32 rows, one array per row (the row flattened). */
export const Rows = z.array(z.array(z.number()).min(1)).min(1);

export const FinalizeRequest = z.object({
  /** Runs to build from (default: every run with a checkpoint, in name order). The first is the `swa` / `swag` run. */
  runs: z.array(SwaName).min(1).max(16).optional(),
  /** BatchNorm calibration rows, inline… */
  calibration: Rows.optional(),
  /** …or the name of a calibration set uploaded before (`PUT …/calibration-sets/{set}`). */
  calibrationSet: SwaName.optional(),
  /** S: SWAG samples drawn per run, each BN-recalibrated. */
  samples: z.number().int().min(1).default(16),
  /** Covariance scale of the draws (0.5 in the SWAG paper). */
  scale: z.number().min(0).max(100).default(0.5),
  /** Use the low-rank part of the covariance as well as the diagonal (needs 2 or more checkpoints and K ≥ 2). */
  covariance: z.boolean().default(true),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  /** Rows per BN-recalibration forward pass (torch DataLoader batch size). */
  batchSize: z.number().int().min(1).max(65_536).default(32),
  /** Dropout while BN statistics are collected: off (`inference`, deterministic) or on (`training`, as torch's update_bn). */
  dropout: z.enum(["inference", "training"]).default("inference"),
});
export type FinalizeRequest = z.input<typeof FinalizeRequest>;

export const JobStatus = z.enum(["PENDING", "IN_PROGRESS", "ACTIVE", "FAILED"]);
export type JobStatus = z.infer<typeof JobStatus>;

export const SwaJob = z.object({
  jobId: z.string(),
  model: z.string(),
  version: z.number().int(),
  status: JobStatus,
  progress: z.object({ fraction: z.number(), stage: z.string() }),
  failureReason: z.object({ code: z.string(), detail: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "SwaJob" });
export type SwaJob = z.infer<typeof SwaJob>;

export const SwaVersion = z.object({
  version: z.number().int(),
  status: z.enum(["BUILDING", "READY", "FAILED"]),
  live: z.boolean(),
  runs: z.array(z.object({ run: z.string(), checkpoints: z.number().int() })),
  samples: z.number().int(),
  scale: z.number(),
  covariance: z.boolean(),
  seed: z.number().int(),
  dropout: z.enum(["inference", "training"]),
  jobId: z.string(),
  createdAt: z.string(),
}).meta({ id: "SwaVersion" });
export type SwaVersion = z.infer<typeof SwaVersion>;

export const PredictRequest = z.object({
  /** One array per input row: the row flattened, row-major. */
  inputs: Rows,
  mode: PredictMode.default("swa"),
  /** Posterior modes: use the first `samples` draws of each run (default all S). */
  samples: z.number().int().min(1).optional(),
});
export type PredictRequest = z.input<typeof PredictRequest>;

/** Posterior uncertainty of one classification: H[p̄] = E[H[p]] + I (Depeweg et al. 2018). */
export const ClassUncertainty = z.object({
  predictiveEntropy: z.number(),
  expectedEntropy: z.number(),
  /** The epistemic part: predictive minus expected entropy (nats). */
  mutualInformation: z.number(),
  /** Per-class standard deviation of the samples' probabilities. */
  std: z.array(z.number()),
});

export const ClassificationPrediction = z.object({
  label: z.string(),
  labelIndex: z.number().int(),
  /** The mean of the samples' probabilities (not the softmax of mean logits). */
  probabilities: z.array(z.number()),
  uncertainty: ClassUncertainty.optional(),
});

export const RegressionPrediction = z.object({
  mean: z.array(z.number()),
  /** Total predictive variance per target: spread + predicted (law of total variance). */
  variance: z.array(z.number()),
  uncertainty: z.object({
    /** Variance of the samples' means (epistemic). */
    spread: z.array(z.number()),
    /** Mean of the samples' predicted variances (aleatoric; zeros when the model predicts none). */
    predictedVariance: z.array(z.number()),
  }).optional(),
});

export const PredictResponse = z.object({
  model: z.string(),
  version: z.number().int(),
  mode: PredictMode,
  /** Weight sets the answer averages over (1 for swa and checkpoint). */
  samples: z.number().int(),
  predictions: z.array(z.union([ClassificationPrediction, RegressionPrediction])),
});
export type PredictResponse = z.infer<typeof PredictResponse>;
export type ClassificationPrediction = z.infer<typeof ClassificationPrediction>;
export type RegressionPrediction = z.infer<typeof RegressionPrediction>;

export const EvaluateRequest = z.object({
  inputs: Rows,
  /** Classification: a class index or label name per row. Regression: the targets of each row. */
  labels: z.array(z.union([z.number().int().min(0), z.string(), z.array(z.number())])).min(1),
  modes: z.array(PredictMode).min(1).optional(),
  samples: z.number().int().min(1).optional(),
  /** ECE bins (15, as the SWAG paper). */
  bins: z.number().int().min(1).max(1000).default(15),
});
export type EvaluateRequest = z.input<typeof EvaluateRequest>;

export const ModeMetrics = z.object({
  mode: PredictMode,
  samples: z.number().int(),
  accuracy: z.number().optional(),
  nll: z.number(),
  ece: z.number().optional(),
  brier: z.number().optional(),
  rmse: z.number().optional(),
});
export type ModeMetrics = z.infer<typeof ModeMetrics>;

export const EvaluateResponse = z.object({
  model: z.string(),
  version: z.number().int(),
  rows: z.number().int(),
  results: z.array(ModeMetrics),
});
export type EvaluateResponse = z.infer<typeof EvaluateResponse>;

export const RollbackRequest = z.object({
  /** The version to make live (default: the one live before the current). */
  version: z.number().int().min(1).optional(),
});

export const CalibrationSetAccepted = z.object({
  set: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
});

// ---- routes ---------------------------------------------------------------------------------

const TAG = ["swa-serving"];
const ModelParams = z.object({ name: SwaName });
const VersionParams = ModelParams.extend({ version: z.coerce.number().int().min(1) });
const RunParams = ModelParams.extend({ run: SwaName });
const admin = ADMIN_SECURITY;

export const createSwaModelRoute = createRoute({
  method: "post",
  path: "/v1/swa/models",
  tags: TAG,
  summary: "Register a model: task, input, labels, averaging policy, SWAG rank K",
  security: admin,
  request: { body: jsonBody(CreateSwaModelRequest) },
  responses: {
    201: json(SwaModel, "Created"),
    400: problem("Invalid request"),
    409: problem("A model of that name exists"),
  },
});

export const listSwaModelsRoute = createRoute({
  method: "get",
  path: "/v1/swa/models",
  tags: TAG,
  summary: "Registered models",
  responses: { 200: json(z.object({ models: z.array(SwaModel) }), "Models") },
});

export const getSwaModelRoute = createRoute({
  method: "get",
  path: "/v1/swa/models/{name}",
  tags: TAG,
  summary: "One model, its runs and live version",
  request: { params: ModelParams },
  responses: { 200: json(SwaModel, "The model"), 404: problem("Unknown model") },
});

export const uploadCheckpointRoute = createRoute({
  method: "post",
  path: "/v1/swa/models/{name}/runs/{run}/checkpoints",
  tags: TAG,
  summary: "Fold one ONNX checkpoint (raw body) into the run's running SWA / SWAG state",
  security: admin,
  request: {
    params: RunParams,
    body: {
      required: true,
      content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } },
    },
  },
  responses: {
    200: json(CheckpointAccepted, "Accepted and stored durably"),
    400: problem("Not an ONNX model"),
    404: problem("Unknown model"),
    413: problem("Over the size limit"),
    415: problem("Not application/octet-stream"),
    422: problem("Another architecture, folded BatchNorm, non-finite weights"),
  },
});

export const listRunsRoute = createRoute({
  method: "get",
  path: "/v1/swa/models/{name}/runs",
  tags: TAG,
  summary: "The model's training runs and their checkpoint counts",
  request: { params: ModelParams },
  responses: { 200: json(z.object({ runs: z.array(SwaRun) }), "Runs"), 404: problem("Unknown") },
});

export const putCalibrationSetRoute = createRoute({
  method: "put",
  path: "/v1/swa/models/{name}/calibration-sets/{set}",
  tags: TAG,
  summary: "Upload BN calibration rows: raw little-endian float32, row-major",
  security: admin,
  request: {
    params: ModelParams.extend({ set: SwaName }),
    body: {
      required: true,
      content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } },
    },
  },
  responses: {
    200: json(CalibrationSetAccepted, "Stored"),
    404: problem("Unknown model"),
    413: problem("Over the size limit"),
    422: problem("Not whole rows, or non-finite values"),
  },
});

export const finalizeRoute = createRoute({
  method: "post",
  path: "/v1/swa/models/{name}/versions",
  tags: TAG,
  summary:
    "Finalise a version as a job: SWA model + S BN-recalibrated SWAG samples per run, loaded, then live",
  security: admin,
  request: { params: ModelParams, body: jsonBody(FinalizeRequest) },
  responses: {
    202: json(SwaJob, "The job; poll GET /v1/swa/jobs/{jobId}"),
    404: problem("Unknown model or run"),
    409: problem("No checkpoints yet, or a finalisation is running"),
    422: problem("S above the maximum, bad calibration data"),
  },
});

export const listVersionsRoute = createRoute({
  method: "get",
  path: "/v1/swa/models/{name}/versions",
  tags: TAG,
  summary: "The model's versions",
  request: { params: ModelParams },
  responses: {
    200: json(z.object({ versions: z.array(SwaVersion) }), "Versions"),
    404: problem("Unknown"),
  },
});

export const getVersionRoute = createRoute({
  method: "get",
  path: "/v1/swa/models/{name}/versions/{version}",
  tags: TAG,
  summary: "One version",
  request: { params: VersionParams },
  responses: { 200: json(SwaVersion, "The version"), 404: problem("Unknown") },
});

export const deleteVersionRoute = createRoute({
  method: "delete",
  path: "/v1/swa/models/{name}/versions/{version}",
  tags: TAG,
  summary: "Delete a version that is not live (unloaded, artifacts removed)",
  security: admin,
  request: { params: VersionParams },
  responses: {
    204: { description: "Deleted" },
    404: problem("Unknown"),
    409: problem("The version is live or building"),
  },
});

export const rollbackRoute = createRoute({
  method: "post",
  path: "/v1/swa/models/{name}/rollback",
  tags: TAG,
  summary: "Make an earlier ready version live again",
  security: admin,
  request: { params: ModelParams, body: jsonBody(RollbackRequest) },
  responses: {
    200: json(SwaModel, "The model, with its new live version"),
    404: problem("Unknown"),
    409: problem("Nothing to roll back to, or the version is not ready"),
  },
});

export const getJobRoute = createRoute({
  method: "get",
  path: "/v1/swa/jobs/{jobId}",
  tags: TAG,
  summary: "A finalisation job's status and progress",
  request: { params: z.object({ jobId: z.string().min(1).max(64) }) },
  responses: { 200: json(SwaJob, "The job"), 404: problem("Unknown job") },
});

export const predictRoute = createRoute({
  method: "post",
  path: "/v1/swa/models/{name}/predict",
  tags: TAG,
  summary: "Predict with the live version: swa | swag | multiswag | checkpoint, with uncertainty",
  request: { params: ModelParams, body: jsonBody(PredictRequest) },
  responses: {
    200: json(PredictResponse, "One prediction per input row"),
    400: problem("Malformed inputs, wrong row size, unknown mode"),
    404: problem("Unknown model"),
    409: problem("No live version"),
    422: problem("More samples than the version has"),
  },
});

export const evaluateRoute = createRoute({
  method: "post",
  path: "/v1/swa/models/{name}/versions/{version}/evaluate",
  tags: TAG,
  summary: "Accuracy, NLL, ECE and Brier (RMSE and NLL for regression) per mode on a labelled set",
  request: { params: VersionParams, body: jsonBody(EvaluateRequest) },
  responses: {
    200: json(EvaluateResponse, "Metrics per mode"),
    400: problem("Malformed"),
    404: problem("Unknown model or version"),
    409: problem("The version is not loaded"),
  },
});
