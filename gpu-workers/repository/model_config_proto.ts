/**
 * The shape of Triton's `model_config.proto` (triton-inference-server/common,
 * `protobuf/model_config.proto`), as data: every message's fields with their types, which are
 * repeated, which are maps, and every enum's values. The pbtxt parser reads it to know that a
 * field is repeated or an enum, and the config checks read it to tell a Triton field this server
 * does not act on (accepted, reported) from a name Triton does not have (refused).
 *
 * Field types are written as in the proto: a scalar (`string`, `int64`...), a message or enum
 * name, `T[]` for `repeated T`, `map<K,V>` for a map.
 */
import { InstanceGroupKind, TritonDataType } from "@edgeml/shared/contracts";

export type ScalarType =
  | "string"
  | "bool"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float"
  | "double";

export type FieldType =
  | { kind: "scalar"; scalar: ScalarType }
  | { kind: "enum"; name: string }
  | { kind: "message"; name: string };

export interface FieldSpec {
  name: string;
  type: FieldType;
  repeated: boolean;
  /** For `map<K,V>`: the key's scalar type (the value's type is `type`). */
  mapKey?: ScalarType;
  /** The oneof the field belongs to, if any: at most one field of a oneof may be set. */
  oneof?: string;
}

export interface MessageSpec {
  name: string;
  fields: Map<string, FieldSpec>;
  /** lowerCamelCase JSON names (protobuf's `json_name`) to field names. */
  jsonNames: Map<string, string>;
}

export const ENUMS: Readonly<Record<string, readonly string[]>> = {
  // The enums the contract declares too: one list each.
  DataType: TritonDataType.options,
  InstanceGroupKind: InstanceGroupKind.options,
  SecondaryDeviceKind: ["KIND_NVDLA"],
  InputFormat: ["FORMAT_NONE", "FORMAT_NHWC", "FORMAT_NCHW"],
  BatchInputKind: [
    "BATCH_ELEMENT_COUNT",
    "BATCH_ACCUMULATED_ELEMENT_COUNT",
    "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO",
    "BATCH_MAX_ELEMENT_COUNT_AS_SHAPE",
    "BATCH_ITEM_SHAPE",
    "BATCH_ITEM_SHAPE_FLATTEN",
  ],
  BatchOutputKind: ["BATCH_SCATTER_WITH_INPUT_SHAPE"],
  ModelPriority: ["PRIORITY_DEFAULT", "PRIORITY_MAX", "PRIORITY_MIN"],
  TimeoutAction: ["REJECT", "DELAY"],
  ControlKind: [
    "CONTROL_SEQUENCE_START",
    "CONTROL_SEQUENCE_READY",
    "CONTROL_SEQUENCE_END",
    "CONTROL_SEQUENCE_CORRID",
  ],
};

/** Message name → field name → type; a `|name` suffix puts the field in that oneof. */
const PROTO: Record<string, Record<string, string>> = {
  ModelConfig: {
    name: "string",
    platform: "string",
    backend: "string",
    runtime: "string",
    version_policy: "ModelVersionPolicy",
    max_batch_size: "int32",
    input: "ModelInput[]",
    output: "ModelOutput[]",
    batch_input: "BatchInput[]",
    batch_output: "BatchOutput[]",
    optimization: "ModelOptimizationPolicy",
    dynamic_batching: "ModelDynamicBatching|scheduling_choice",
    sequence_batching: "ModelSequenceBatching|scheduling_choice",
    ensemble_scheduling: "ModelEnsembling|scheduling_choice",
    instance_group: "ModelInstanceGroup[]",
    default_model_filename: "string",
    cc_model_filenames: "map<string,string>",
    metric_tags: "map<string,string>",
    parameters: "map<string,ModelParameter>",
    model_warmup: "ModelWarmup[]",
    model_operations: "ModelOperations",
    model_transaction_policy: "ModelTransactionPolicy",
    model_repository_agents: "ModelRepositoryAgents",
    response_cache: "ModelResponseCache",
    model_metrics: "ModelMetrics",
  },
  ModelRateLimiter: { resources: "ModelRateLimiterResource[]", priority: "uint32" },
  ModelRateLimiterResource: { name: "string", global: "bool", count: "uint32" },
  ModelInstanceGroup: {
    name: "string",
    kind: "InstanceGroupKind",
    count: "int32",
    rate_limiter: "ModelRateLimiter",
    gpus: "int32[]",
    secondary_devices: "SecondaryDevice[]",
    profile: "string[]",
    passive: "bool",
    host_policy: "string",
  },
  SecondaryDevice: { kind: "SecondaryDeviceKind", device_id: "int64" },
  ModelTensorReshape: { shape: "int64[]" },
  ModelInput: {
    name: "string",
    data_type: "DataType",
    format: "InputFormat",
    dims: "int64[]",
    reshape: "ModelTensorReshape",
    is_shape_tensor: "bool",
    allow_ragged_batch: "bool",
    optional: "bool",
    is_non_linear_format_io: "bool",
  },
  ModelOutput: {
    name: "string",
    data_type: "DataType",
    dims: "int64[]",
    reshape: "ModelTensorReshape",
    label_filename: "string",
    is_shape_tensor: "bool",
    is_non_linear_format_io: "bool",
  },
  BatchInput: {
    kind: "BatchInputKind",
    target_name: "string[]",
    data_type: "DataType",
    source_input: "string[]",
  },
  BatchOutput: { target_name: "string[]", kind: "BatchOutputKind", source_input: "string[]" },
  ModelVersionPolicy: {
    latest: "VersionPolicyLatest|policy_choice",
    all: "VersionPolicyAll|policy_choice",
    specific: "VersionPolicySpecific|policy_choice",
  },
  VersionPolicyLatest: { num_versions: "uint32" },
  VersionPolicyAll: {},
  VersionPolicySpecific: { versions: "int64[]" },
  ModelOptimizationPolicy: {
    graph: "OptimizationGraph",
    priority: "ModelPriority",
    cuda: "OptimizationCuda",
    execution_accelerators: "ExecutionAccelerators",
    input_pinned_memory: "PinnedMemoryBuffer",
    output_pinned_memory: "PinnedMemoryBuffer",
    gather_kernel_buffer_threshold: "uint32",
    eager_batching: "bool",
  },
  OptimizationGraph: { level: "int32" },
  OptimizationCuda: {
    graphs: "bool",
    busy_wait_events: "bool",
    graph_spec: "CudaGraphSpec[]",
    output_copy_stream: "bool",
  },
  CudaGraphSpec: {
    batch_size: "int32",
    input: "map<string,CudaGraphShape>",
    graph_lower_bound: "CudaGraphLowerBound",
  },
  CudaGraphShape: { dim: "int64[]" },
  CudaGraphLowerBound: { batch_size: "int32", input: "map<string,CudaGraphShape>" },
  ExecutionAccelerators: {
    gpu_execution_accelerator: "Accelerator[]",
    cpu_execution_accelerator: "Accelerator[]",
  },
  Accelerator: { name: "string", parameters: "map<string,string>" },
  PinnedMemoryBuffer: { enable: "bool" },
  ModelQueuePolicy: {
    timeout_action: "TimeoutAction",
    default_timeout_microseconds: "uint64",
    allow_timeout_override: "bool",
    max_queue_size: "uint32",
  },
  ModelDynamicBatching: {
    preferred_batch_size: "int32[]",
    max_queue_delay_microseconds: "uint64",
    preserve_ordering: "bool",
    priority_levels: "uint64",
    default_priority_level: "uint64",
    default_queue_policy: "ModelQueuePolicy",
    priority_queue_policy: "map<uint64,ModelQueuePolicy>",
  },
  ModelSequenceBatching: {
    direct: "SequenceStrategyDirect|strategy_choice",
    oldest: "SequenceStrategyOldest|strategy_choice",
    max_sequence_idle_microseconds: "uint64",
    control_input: "SequenceControlInput[]",
    state: "SequenceState[]",
    iterative_sequence: "bool",
  },
  SequenceControl: {
    kind: "ControlKind",
    int32_false_true: "int32[]",
    fp32_false_true: "float[]",
    bool_false_true: "bool[]",
    data_type: "DataType",
  },
  SequenceControlInput: { name: "string", control: "SequenceControl[]" },
  SequenceInitialState: {
    data_type: "DataType",
    dims: "int64[]",
    zero_data: "bool|state_data",
    data_file: "string|state_data",
    name: "string",
  },
  SequenceState: {
    input_name: "string",
    output_name: "string",
    data_type: "DataType",
    dims: "int64[]",
    initial_state: "SequenceInitialState[]",
    use_same_buffer_for_input_output: "bool",
    use_growable_memory: "bool",
  },
  SequenceStrategyDirect: {
    max_queue_delay_microseconds: "uint64",
    minimum_slot_utilization: "float",
  },
  SequenceStrategyOldest: {
    max_candidate_sequences: "int32",
    preferred_batch_size: "int32[]",
    max_queue_delay_microseconds: "uint64",
    preserve_ordering: "bool",
  },
  ModelEnsembling: { step: "EnsembleStep[]", max_inflight_requests: "uint32" },
  EnsembleStep: {
    model_name: "string",
    model_version: "int64",
    input_map: "map<string,string>",
    output_map: "map<string,string>",
    model_namespace: "string",
  },
  ModelParameter: { string_value: "string" },
  ModelWarmup: {
    name: "string",
    batch_size: "uint32",
    inputs: "map<string,WarmupInput>",
    count: "uint32",
  },
  WarmupInput: {
    data_type: "DataType",
    dims: "int64[]",
    zero_data: "bool|input_data_type",
    random_data: "bool|input_data_type",
    input_data_file: "string|input_data_type",
  },
  ModelOperations: { op_library_filename: "string[]" },
  ModelTransactionPolicy: { decoupled: "bool" },
  ModelRepositoryAgents: { agents: "RepositoryAgent[]" },
  RepositoryAgent: { name: "string", parameters: "map<string,string>" },
  ModelResponseCache: { enable: "bool" },
  ModelMetrics: { metric_control: "MetricControl[]" },
  MetricControl: {
    metric_identifier: "MetricIdentifier",
    histogram_options: "HistogramOptions|metric_options",
  },
  MetricIdentifier: { family: "string" },
  HistogramOptions: { buckets: "double[]" },
};

const SCALARS = new Set<string>([
  "string",
  "bool",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float",
  "double",
]);

function typeOf(name: string): FieldType {
  if (SCALARS.has(name)) return { kind: "scalar", scalar: name as ScalarType };
  if (name in ENUMS) return { kind: "enum", name };
  if (name in PROTO) return { kind: "message", name };
  throw new Error(`model_config_proto: unknown type ${name}`);
}

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function build(): Map<string, MessageSpec> {
  const messages = new Map<string, MessageSpec>();
  for (const [messageName, fields] of Object.entries(PROTO)) {
    const spec: MessageSpec = { name: messageName, fields: new Map(), jsonNames: new Map() };
    for (const [fieldName, declared] of Object.entries(fields)) {
      const [typeText, oneof] = declared.split("|");
      const map = /^map<(\w+),(\w+)>$/.exec(typeText);
      const repeated = typeText.endsWith("[]");
      const field: FieldSpec = map
        ? {
          name: fieldName,
          type: typeOf(map[2]),
          repeated: false,
          mapKey: map[1] as ScalarType,
        }
        : { name: fieldName, type: typeOf(typeText.replace(/\[\]$/, "")), repeated };
      if (oneof) field.oneof = oneof;
      spec.fields.set(fieldName, field);
      spec.jsonNames.set(camel(fieldName), fieldName);
    }
    messages.set(messageName, spec);
  }
  return messages;
}

const MESSAGES = build();

/** The spec of one message of model_config.proto (`ModelConfig` is the root). */
export function messageSpec(name: string): MessageSpec {
  const spec = MESSAGES.get(name);
  if (!spec) throw new Error(`model_config_proto: unknown message ${name}`);
  return spec;
}

export const ROOT_MESSAGE = "ModelConfig";

/** A field name of `message` as written (snake_case or protobuf's lowerCamelCase JSON name). */
export function lookupField(message: MessageSpec, name: string): FieldSpec | undefined {
  return message.fields.get(name) ?? message.fields.get(message.jsonNames.get(name) ?? "");
}

/** A close field name of `message`, to suggest for a misspelt one. */
export function suggestField(message: MessageSpec, name: string): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const candidate of message.fields.keys()) {
    let prefix = 0;
    while (prefix < Math.min(name.length, candidate.length) && name[prefix] === candidate[prefix]) {
      prefix++;
    }
    const score = prefix >= 6 ? prefix : editDistance(name, candidate) <= 2 ? 5 : 0;
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

/** Whether `value` is the proto3 default of a field (absent, 0, false, "", [], {}, enum 0). */
export function isDefaultValue(field: FieldSpec, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field.repeated) return Array.isArray(value) && value.length === 0;
  if (field.mapKey) return typeof value === "object" && Object.keys(value).length === 0;
  switch (field.type.kind) {
    case "enum":
      return value === ENUMS[field.type.name][0] || value === 0;
    case "message":
      return false; // a message that is present is set, even if empty (e.g. `all {}`)
    case "scalar":
      return value === false || value === 0 || value === "" || value === "0";
  }
}

const INT_TYPES = new Set<ScalarType>(["int32", "uint32", "int64", "uint64"]);
const INT_TEXT = /^-?[0-9]+$/;

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Checks a model config in protobuf's JSON mapping against Triton's proto and brings it to one
 * form: snake_case names (lowerCamelCase JSON names accepted), integers given as strings turned
 * into numbers, enums given as numbers turned into names, nulls dropped. Every name must be a
 * field of Triton's proto and every value of its type; what is wrong is returned as
 * `path: message` problems (nothing thrown).
 */
export function normalizeConfigJson(
  raw: unknown,
  message = ROOT_MESSAGE,
): { value: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const value = normalizeMessage(raw, messageSpec(message), "", problems);
  return { value: value ?? {}, problems };
}

function normalizeMessage(
  raw: unknown,
  spec: MessageSpec,
  path: string,
  problems: string[],
): Record<string, unknown> | undefined {
  const at = path || "(root)";
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(`${at}: expected an object (${spec.name}), found ${describeJson(raw)}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const oneofs = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const field = lookupField(spec, key);
    const fieldPath = path ? `${path}.${key}` : key;
    if (!field) {
      const suggestion = suggestField(spec, key);
      problems.push(
        `${at}: unknown field '${key}': not a field of Triton's model configuration ` +
          `(${spec.name})${suggestion ? `; did you mean '${suggestion}'?` : ""}`,
      );
      continue;
    }
    if (field.name in out) {
      problems.push(`${fieldPath}: '${field.name}' is given twice (by both of its names)`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (field.oneof) {
      const other = oneofs.get(field.oneof);
      if (other !== undefined) {
        problems.push(`${fieldPath}: '${field.name}' and '${other}' exclude each other`);
        continue;
      }
      oneofs.set(field.oneof, field.name);
    }
    const canonicalPath = path ? `${path}.${field.name}` : field.name;
    if (field.mapKey) {
      if (typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${canonicalPath}: expected an object (a map), found ${describeJson(value)}`);
        continue;
      }
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (field.mapKey !== "string" && !INT_TEXT.test(k)) {
          problems.push(`${canonicalPath}: map key '${k}' is not an integer`);
          continue;
        }
        const item = normalizeValue(v, field, `${canonicalPath}.${k}`, problems);
        if (item !== undefined) map[k] = item;
      }
      out[field.name] = map;
    } else if (field.repeated) {
      if (!Array.isArray(value)) {
        problems.push(`${canonicalPath}: expected a list, found ${describeJson(value)}`);
        continue;
      }
      const items = value.map((v, i) =>
        normalizeValue(v, field, `${canonicalPath}.${i}`, problems)
      );
      out[field.name] = items.filter((v) => v !== undefined);
    } else {
      const item = normalizeValue(value, field, canonicalPath, problems);
      if (item !== undefined) out[field.name] = item;
    }
  }
  return out;
}

function normalizeValue(
  value: unknown,
  field: FieldSpec,
  path: string,
  problems: string[],
): unknown {
  const type = field.type;
  if (type.kind === "message") {
    return normalizeMessage(value, messageSpec(type.name), path, problems);
  }
  if (type.kind === "enum") {
    const values = ENUMS[type.name];
    if (typeof value === "string" && values.includes(value)) return value;
    if (
      typeof value === "number" && Number.isInteger(value) && value >= 0 && value < values.length
    ) {
      return values[value];
    }
    problems.push(`${path}: expected one of ${values.join(", ")}, found ${describeJson(value)}`);
    return undefined;
  }
  const scalar = type.scalar;
  const fail = () => {
    problems.push(`${path}: expected a ${scalar}, found ${describeJson(value)}`);
    return undefined;
  };
  if (scalar === "string") return typeof value === "string" ? value : fail();
  if (scalar === "bool") return typeof value === "boolean" ? value : fail();
  if (INT_TYPES.has(scalar)) {
    const n = typeof value === "string" && INT_TEXT.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n)) return fail();
    const unsigned = scalar.startsWith("u");
    const bits32 = scalar.endsWith("32");
    const min = unsigned ? 0 : bits32 ? -(2 ** 31) : Number.MIN_SAFE_INTEGER;
    const max = bits32 ? (unsigned ? 2 ** 32 - 1 : 2 ** 31 - 1) : Number.MAX_SAFE_INTEGER;
    if (n < min || n > max) {
      problems.push(`${path}: ${n} is out of range for ${scalar}`);
      return undefined;
    }
    return n;
  }
  // float, double: numbers, or the strings protobuf's JSON mapping allows.
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    if (value === "NaN") return NaN;
    if (value === "Infinity") return Infinity;
    if (value === "-Infinity") return -Infinity;
    if (value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  }
  return fail();
}
