/**
 * A model's Triton configuration resolved to what the worker pool runs: defaults filled in as
 * Triton fills them, limits enforced, values in our units, and the Triton fields this server
 * accepts but does not act on listed (`ignored`) so model status can report them.
 *
 * @example
 * ```ts
 * const config = resolveModelConfig("resnet", { max_batch_size: 8, dynamic_batching: {} });
 * config.dynamicBatching?.maxQueueDelayUs; // 0, Triton's default
 * ```
 */
import {
  type Datatype,
  MAX_INSTANCE_COUNT,
  ModelConfig,
  type ModelConfigInput,
  type TritonDataType,
  type VersionPolicy,
} from "@edgeml/shared/contracts";
import { unprocessable } from "@edgeml/shared/errors";
import {
  isDefaultValue,
  type MessageSpec,
  messageSpec,
  normalizeConfigJson,
} from "./model_config_proto.ts";

export interface DeclaredTensor {
  name: string;
  datatype: Datatype;
  /** As in the config: without the batch dimension when `maxBatchSize` > 0; -1 = any size. */
  dims: number[];
}

export type CudaBatchPadding = "auto" | "true" | "false";

export interface ResolvedDynamicBatching {
  maxQueueDelayUs: number;
  preferredBatchSizes: number[];
  /** 0 = unbounded. */
  maxQueueSize: number;
  /** 0 = no timeout. */
  defaultTimeoutUs: number;
  timeoutAction: "REJECT" | "DELAY";
  allowTimeoutOverride: boolean;
}

export interface ResolvedInstanceGroup {
  kind: "gpu" | "cpu";
  count: number;
  /** GPU ids for a gpu group; every GPU of the pool when absent. */
  gpus?: number[];
}

export type ResolvedVersionPolicy =
  | { latest: { num_versions: number } }
  | { all: Record<string, never> }
  | { specific: { versions: number[] } };

export interface ResolvedModelConfig {
  name: string;
  platform: "onnxruntime_onnx";
  /** 0 = the model has no batching dimension. */
  maxBatchSize: number;
  dynamicBatching?: ResolvedDynamicBatching;
  /** KIND_AUTO resolves to gpu, which lands on the CPU workers of a host without GPUs. */
  instanceGroups: ResolvedInstanceGroup[];
  versionPolicy: ResolvedVersionPolicy;
  /**
   * Providers a GPU group tries at load, in order: `["cuda", "cpu"]`, or `["cuda"]` with the
   * parameter `cpu_fallback: "false"`. CPU groups use the CPU only. Accelerators this server
   * cannot run (tensorrt, openvino) are listed in `ignored`; CUDA is still used.
   */
  executionProviders: ("cuda" | "cpu")[];
  /** ONNX Runtime's intra-op threads (parameter `intra_op_thread_count`); absent = its default. */
  intraOpThreads?: number;
  /** Parameter `execution_deadline_ms` (this server's): a batch running longer marks its instance hung. */
  executionDeadlineMs: number;
  /**
   * Parameter `adaptive_queue_delay: "true"` (this server's): `max_queue_delay_microseconds`
   * becomes a ceiling; a queue holding as many rows as the last batch took goes at once.
   */
  adaptiveQueueDelay: boolean;
  /**
   * Parameter `cuda_batch_padding` (this server's): on CUDA, pad every batch to `maxBatchSize`
   * rows so each session sees one input shape; "auto" (default) does so for models with
   * convolutions (see pool/batch_padding.ts).
   */
  cudaBatchPadding: CudaBatchPadding;
  declaredInputs?: DeclaredTensor[];
  declaredOutputs?: DeclaredTensor[];
  /** The model file in each version folder. */
  defaultModelFilename: string;
  /** Triton fields accepted but not applied, as dotted paths (`sequence_batching`, ...). */
  ignored: string[];
  /**
   * The config in Triton's JSON form with the defaults filled in: what `GET /v2/models/{m}/config`
   * answers. Inputs and outputs are as declared; the pool may fill them from the loaded model.
   */
  triton: ModelConfig;
}

/** What the host offers, for filling in the Triton form (KIND_AUTO, a KIND_GPU group's gpus). */
export interface HostDevices {
  gpus: readonly number[];
}

/**
 * How long one batch may run before its instance counts as hung (parameter
 * `execution_deadline_ms`). Serving batches take milliseconds; 10 s leaves room for a cold
 * CUDA start without letting a wedged device stall its queue for long.
 */
export const DEFAULT_EXECUTION_DEADLINE_MS = 10_000;
export const MAX_EXECUTION_DEADLINE_MS = 3_600_000;
export const MAX_INTRA_OP_THREADS = 256;
export const DEFAULT_MODEL_FILENAME = "model.onnx";

/** Accelerators of Triton's ONNX Runtime backend; `cuda` is what runs anyway. */
const GPU_ACCELERATORS = new Set(["tensorrt", "cuda"]);
const CPU_ACCELERATORS = new Set(["openvino"]);

const DATATYPES: Record<TritonDataType, Datatype | undefined> = {
  TYPE_INVALID: undefined,
  TYPE_BOOL: "BOOL",
  TYPE_UINT8: "UINT8",
  TYPE_UINT16: "UINT16",
  TYPE_UINT32: "UINT32",
  TYPE_UINT64: "UINT64",
  TYPE_INT8: "INT8",
  TYPE_INT16: "INT16",
  TYPE_INT32: "INT32",
  TYPE_INT64: "INT64",
  TYPE_FP16: "FP16",
  TYPE_FP32: "FP32",
  TYPE_FP64: "FP64",
  TYPE_STRING: "BYTES",
  TYPE_BF16: undefined,
};

/** Our datatype name for a Triton one (`TYPE_FP32` → `FP32`, `TYPE_STRING` → `BYTES`). */
export function datatypeOf(type: TritonDataType): Datatype | undefined {
  return DATATYPES[type];
}

/** Triton's name for one of our datatypes (`FP32` → `TYPE_FP32`, `BYTES` → `TYPE_STRING`). */
export function tritonDatatypeOf(datatype: Datatype): TritonDataType {
  return datatype === "BYTES" ? "TYPE_STRING" : `TYPE_${datatype}` as TritonDataType;
}

function invalidConfig(name: string, issues: string[]): never {
  throw unprocessable(
    "invalid_model_config",
    `config of '${name}' is invalid: ${issues.join("; ")}`,
    { extra: { issues } },
  );
}

/** Whether a field value changes anything in Triton (so not applying it is worth reporting). */
function isSet(spec: MessageSpec, field: string, value: unknown): boolean {
  const f = spec.fields.get(field);
  if (!f) return value !== undefined;
  if (f.type.kind !== "message" || f.repeated || f.mapKey) return !isDefaultValue(f, value);
  if (value === undefined || value === null) return false;
  if (f.oneof) return true; // choosing a oneof member is a setting in itself
  const inner = messageSpec(f.type.name);
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => isSet(inner, k, v));
}

/** Lists the fields of `value` that are set but not among `applied`. */
function noteUnapplied(
  value: Record<string, unknown> | undefined,
  specName: string,
  applied: readonly string[],
  path: string,
  ignored: string[],
): void {
  if (!value) return;
  const spec = messageSpec(specName);
  for (const [key, v] of Object.entries(value)) {
    if (!applied.includes(key) && isSet(spec, key, v)) ignored.push(path ? `${path}.${key}` : key);
  }
}

function parseIntParameter(
  issues: string[],
  key: string,
  text: string,
  min: number,
  max: number,
): number | undefined {
  if (!/^[0-9]+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    issues.push(`parameters.${key}: expected an integer from ${min} to ${max}, found '${text}'`);
    return undefined;
  }
  return Number(text);
}

function declaredTensors(
  list: { name: string; data_type?: TritonDataType; dims?: number[] }[] | undefined,
  field: "input" | "output",
  issues: string[],
): DeclaredTensor[] | undefined {
  if (!list || list.length === 0) return undefined;
  const seen = new Set<string>();
  const tensors: DeclaredTensor[] = [];
  for (const [i, tensor] of list.entries()) {
    const at = `${field}.${i}`;
    if (seen.has(tensor.name)) {
      issues.push(`${at}.name: ${field} '${tensor.name}' is declared twice`);
    }
    seen.add(tensor.name);
    const datatype = tensor.data_type && datatypeOf(tensor.data_type);
    if (!datatype) {
      issues.push(
        tensor.data_type && tensor.data_type !== "TYPE_INVALID"
          ? `${at}.data_type: ${tensor.data_type} is not supported here`
          : `${at}.data_type: ${field} '${tensor.name}' needs a data_type`,
      );
      continue;
    }
    if (!tensor.dims) {
      issues.push(`${at}.dims: ${field} '${tensor.name}' needs dims`);
      continue;
    }
    tensors.push({ name: tensor.name, datatype, dims: [...tensor.dims] });
  }
  return tensors;
}

/**
 * Validates a model's Triton config (JSON form; snake_case or lowerCamelCase names, int64 values
 * as numbers or strings) and resolves it. Problems are `unprocessable("invalid_model_config")`
 * with `extra.issues`; a name not in Triton's proto is one.
 */
export function resolveModelConfig(
  name: string,
  input: ModelConfigInput | ModelConfig | Record<string, unknown>,
  host?: HostDevices,
): ResolvedModelConfig {
  const normalized = normalizeConfigJson(input);
  const parsed = ModelConfig.safeParse(normalized.value);
  if (normalized.problems.length > 0 || !parsed.success) {
    invalidConfig(name, [
      ...normalized.problems,
      ...(parsed.error?.issues ?? []).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    ]);
  }
  const config = parsed.data;
  if (config.name !== undefined && config.name !== "" && config.name !== name) {
    throw unprocessable(
      "invalid_model_config",
      `config names the model '${config.name}' but it sits in folder '${name}'`,
    );
  }
  const issues: string[] = [];
  const ignored: string[] = [];

  if (config.platform && config.platform !== "onnxruntime_onnx") {
    issues.push(
      `platform: '${config.platform}' is not served here; only ONNX models (onnxruntime_onnx)`,
    );
  }
  if (config.backend && config.backend !== "onnxruntime") {
    issues.push(`backend: '${config.backend}' is not served here; only onnxruntime`);
  }
  noteUnapplied(
    config,
    "ModelConfig",
    [
      "name",
      "platform",
      "backend",
      "version_policy",
      "max_batch_size",
      "input",
      "output",
      "optimization",
      "dynamic_batching",
      "instance_group",
      "default_model_filename",
      "parameters",
    ],
    "",
    ignored,
  );

  const maxBatchSize = config.max_batch_size ?? 0;

  // dynamic_batching
  let dynamicBatching: ResolvedDynamicBatching | undefined;
  const db = config.dynamic_batching;
  if (db) {
    const queue = db.default_queue_policy ?? {};
    dynamicBatching = {
      maxQueueDelayUs: db.max_queue_delay_microseconds ?? 0,
      preferredBatchSizes: [...(db.preferred_batch_size ?? [])],
      maxQueueSize: queue.max_queue_size ?? 0,
      defaultTimeoutUs: queue.default_timeout_microseconds ?? 0,
      timeoutAction: queue.timeout_action ?? "REJECT",
      allowTimeoutOverride: queue.allow_timeout_override ?? false,
    };
    if (maxBatchSize > 0) {
      for (const size of dynamicBatching.preferredBatchSizes) {
        if (size > maxBatchSize) {
          issues.push(
            `dynamic_batching.preferred_batch_size: ${size} is over max_batch_size ${maxBatchSize}`,
          );
        }
      }
    }
    noteUnapplied(
      db,
      "ModelDynamicBatching",
      ["preferred_batch_size", "max_queue_delay_microseconds", "default_queue_policy"],
      "dynamic_batching",
      ignored,
    );
  }

  // instance_group
  const groups = config.instance_group && config.instance_group.length > 0
    ? config.instance_group
    : [{}];
  const instanceGroups: ResolvedInstanceGroup[] = [];
  const tritonGroups: NonNullable<ModelConfig["instance_group"]> = [];
  for (const [i, group] of groups.entries()) {
    const at = `instance_group.${i}`;
    const kind = group.kind ?? "KIND_AUTO";
    if (kind === "KIND_MODEL") {
      issues.push(
        `${at}.kind: KIND_MODEL is not supported here; use KIND_GPU, KIND_CPU or KIND_AUTO`,
      );
      continue;
    }
    const gpus = group.gpus && group.gpus.length > 0 ? [...group.gpus] : undefined;
    if (kind === "KIND_CPU" && gpus) issues.push(`${at}.gpus: a KIND_CPU group takes no gpus`);
    const count = group.count || 1;
    if (count > MAX_INSTANCE_COUNT) {
      issues.push(`${at}.count: at most ${MAX_INSTANCE_COUNT} instances per group`);
    }
    const resolvedKind = kind === "KIND_CPU" ? "cpu" : "gpu";
    instanceGroups.push({ kind: resolvedKind, count, ...(gpus ? { gpus } : {}) });
    noteUnapplied(
      group,
      "ModelInstanceGroup",
      ["name", "kind", "count", "gpus"],
      at,
      ignored,
    );
    const onGpus = resolvedKind === "gpu" && (kind === "KIND_GPU" || !host || host.gpus.length > 0);
    const filledGpus = gpus ?? (onGpus && host?.gpus.length ? [...host.gpus] : undefined);
    const { name: groupName, kind: _kind, count: _count, gpus: _gpus, ...rest } = group;
    tritonGroups.push({
      name: groupName || `${name}_${i}`,
      kind: onGpus ? "KIND_GPU" : "KIND_CPU",
      count,
      ...(onGpus && filledGpus ? { gpus: filledGpus } : {}),
      ...rest,
    });
  }

  // version_policy
  let versionPolicy: ResolvedVersionPolicy = { latest: { num_versions: 1 } };
  const vp: VersionPolicy | undefined = config.version_policy;
  if (vp && "latest" in vp) {
    const n = vp.latest.num_versions;
    if (n === 0) issues.push("version_policy.latest.num_versions: must be at least 1");
    versionPolicy = { latest: { num_versions: n ?? 1 } };
  } else if (vp && "all" in vp) versionPolicy = { all: {} };
  else if (vp && "specific" in vp) {
    versionPolicy = { specific: { versions: [...new Set(vp.specific.versions)] } };
  }

  // optimization
  const optimization = config.optimization;
  noteUnapplied(
    optimization,
    "ModelOptimizationPolicy",
    ["execution_accelerators"],
    "optimization",
    ignored,
  );
  const accelerators = optimization?.execution_accelerators;
  for (
    const [field, known, runs] of [
      ["gpu_execution_accelerator", GPU_ACCELERATORS, "cuda"],
      ["cpu_execution_accelerator", CPU_ACCELERATORS, undefined],
    ] as const
  ) {
    for (const [i, accelerator] of (accelerators?.[field] ?? []).entries()) {
      const at = `optimization.execution_accelerators.${field}.${i}`;
      if (!known.has(accelerator.name)) {
        issues.push(
          `${at}.name: unknown accelerator '${accelerator.name}' (ONNX Runtime's are ${
            [...known].join(", ")
          })`,
        );
      } else if (accelerator.name !== runs) ignored.push(at);
      else if (Object.keys(accelerator.parameters ?? {}).length > 0) {
        ignored.push(`${at}.parameters`);
      }
    }
  }

  // parameters
  const parameters = config.parameters ?? {};
  let intraOpThreads: number | undefined;
  let executionDeadlineMs = DEFAULT_EXECUTION_DEADLINE_MS;
  let cpuFallback = true;
  let adaptiveQueueDelay = false;
  let cudaBatchPadding: CudaBatchPadding = "auto";
  for (const [key, { string_value: text }] of Object.entries(parameters)) {
    if (key === "intra_op_thread_count") {
      const n = parseIntParameter(issues, key, text, 0, MAX_INTRA_OP_THREADS);
      if (n !== undefined && n > 0) intraOpThreads = n;
    } else if (key === "execution_deadline_ms") {
      const n = parseIntParameter(issues, key, text, 1, MAX_EXECUTION_DEADLINE_MS);
      if (n !== undefined) executionDeadlineMs = n;
    } else if (key === "cpu_fallback") {
      if (text !== "true" && text !== "false") {
        issues.push(`parameters.cpu_fallback: expected "true" or "false", found '${text}'`);
      }
      cpuFallback = text !== "false";
    } else if (key === "adaptive_queue_delay") {
      if (text !== "true" && text !== "false") {
        issues.push(`parameters.adaptive_queue_delay: expected "true" or "false", found '${text}'`);
      }
      adaptiveQueueDelay = text === "true";
    } else if (key === "cuda_batch_padding") {
      if (text === "auto" || text === "true" || text === "false") cudaBatchPadding = text;
      else {
        issues.push(
          `parameters.cuda_batch_padding: expected "auto", "true" or "false", found '${text}'`,
        );
      }
    } else ignored.push(`parameters.${key}`);
  }

  // input, output
  const declaredInputs = declaredTensors(config.input, "input", issues);
  const declaredOutputs = declaredTensors(config.output, "output", issues);
  for (const [i, input] of (config.input ?? []).entries()) {
    noteUnapplied(input, "ModelInput", ["name", "data_type", "dims"], `input.${i}`, ignored);
  }
  for (const [i, output] of (config.output ?? []).entries()) {
    noteUnapplied(output, "ModelOutput", ["name", "data_type", "dims"], `output.${i}`, ignored);
  }

  if (issues.length > 0) invalidConfig(name, issues);

  const defaultModelFilename = config.default_model_filename || DEFAULT_MODEL_FILENAME;
  const filled: ModelConfig = {
    name,
    platform: "onnxruntime_onnx",
    backend: "onnxruntime",
    version_policy: versionPolicy,
    max_batch_size: maxBatchSize,
    ...(config.input ? { input: config.input } : {}),
    ...(config.output ? { output: config.output } : {}),
    instance_group: tritonGroups,
    default_model_filename: defaultModelFilename,
    ...(db && dynamicBatching
      ? {
        dynamic_batching: Object.assign(
          // Triton's order first; the filled values win over the given ones.
          { preferred_batch_size: [] as number[], max_queue_delay_microseconds: 0 },
          db,
          {
            preferred_batch_size: dynamicBatching.preferredBatchSizes,
            max_queue_delay_microseconds: dynamicBatching.maxQueueDelayUs,
            default_queue_policy: {
              timeout_action: dynamicBatching.timeoutAction,
              default_timeout_microseconds: dynamicBatching.defaultTimeoutUs,
              allow_timeout_override: dynamicBatching.allowTimeoutOverride,
              max_queue_size: dynamicBatching.maxQueueSize,
            },
          },
        ),
      }
      : {}),
    parameters,
  };
  const triton: ModelConfig = { ...filled };
  for (const [key, value] of Object.entries(config)) {
    if (!(key in triton) && value !== undefined) (triton as Record<string, unknown>)[key] = value;
  }

  return {
    name,
    platform: "onnxruntime_onnx",
    maxBatchSize,
    ...(dynamicBatching ? { dynamicBatching } : {}),
    instanceGroups,
    versionPolicy,
    executionProviders: cpuFallback ? ["cuda", "cpu"] : ["cuda"],
    ...(intraOpThreads !== undefined ? { intraOpThreads } : {}),
    executionDeadlineMs,
    adaptiveQueueDelay,
    cudaBatchPadding,
    ...(declaredInputs ? { declaredInputs } : {}),
    ...(declaredOutputs ? { declaredOutputs } : {}),
    defaultModelFilename,
    ignored,
    triton,
  };
}
