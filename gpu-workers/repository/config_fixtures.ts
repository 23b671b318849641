/** Model configs for the repository tests: one realistic Triton config, as pbtxt and as JSON. */

/** A config.pbtxt as Triton users write them: every syntax form the reader takes. */
export const REALISTIC_PBTXT = `# Image classifier, ONNX Runtime backend.
name: "resnet"
platform: "onnxruntime_onnx"
backend: 'onnxruntime'  # single quotes work too
max_batch_size: 8
default_model_filename: "model.onnx"
version_policy: { specific: { versions: [1, 3] } }
input [
  {
    name: "x"
    data_type: TYPE_FP32
    format: FORMAT_NONE
    dims: [ 16 ]
  },
  {
    name: "mask"
    data_type: TYPE_BOOL
    dims: [-1, 0x4]
    optional: true
  }
]
output {
  name: "probabilities"
  data_type: TYPE_FP32
  dims: 3  # repeated by repetition of a scalar
}
instance_group [
  { kind: KIND_GPU, count: 2, gpus: [0] },
  { kind: KIND_CPU; count: 1 }
]
dynamic_batching {
  preferred_batch_size: [ 4, 8 ]
  max_queue_delay_microseconds: 100
  default_queue_policy {
    max_queue_size: 16
    default_timeout_microseconds: 0
    timeout_action: REJECT
    allow_timeout_override: true
  }
}
optimization {
  execution_accelerators {
    gpu_execution_accelerator : [ {
      name : "tensorrt"
      parameters { key: "precision_mode" value: "FP16" }
      parameters { key: "max_workspace_size_bytes" value: "1073741824" }
    } ]
    cpu_execution_accelerator: { name: "openvino" }
  }
  graph: { level: -1 }
}
parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
parameters: {
  key: "execution_deadline_ms"
  value { string_value: "5000" }
}
model_warmup [{
  name: "zeros"
  batch_size: 1
  inputs { key: "x" value: { data_type: TYPE_FP32 dims: [16] zero_data: true } }
}]
response_cache { enable: True }
`;

export const REALISTIC_JSON = {
  name: "resnet",
  platform: "onnxruntime_onnx",
  backend: "onnxruntime",
  max_batch_size: 8,
  default_model_filename: "model.onnx",
  version_policy: { specific: { versions: [1, 3] } },
  input: [
    { name: "x", data_type: "TYPE_FP32", format: "FORMAT_NONE", dims: [16] },
    { name: "mask", data_type: "TYPE_BOOL", dims: [-1, 4], optional: true },
  ],
  output: [{ name: "probabilities", data_type: "TYPE_FP32", dims: [3] }],
  instance_group: [{ kind: "KIND_GPU", count: 2, gpus: [0] }, { kind: "KIND_CPU", count: 1 }],
  dynamic_batching: {
    preferred_batch_size: [4, 8],
    max_queue_delay_microseconds: 100,
    default_queue_policy: {
      max_queue_size: 16,
      default_timeout_microseconds: 0,
      timeout_action: "REJECT",
      allow_timeout_override: true,
    },
  },
  optimization: {
    execution_accelerators: {
      gpu_execution_accelerator: [{
        name: "tensorrt",
        parameters: { precision_mode: "FP16", max_workspace_size_bytes: "1073741824" },
      }],
      cpu_execution_accelerator: [{ name: "openvino" }],
    },
    graph: { level: -1 },
  },
  parameters: {
    intra_op_thread_count: { string_value: "2" },
    execution_deadline_ms: { string_value: "5000" },
  },
  model_warmup: [{
    name: "zeros",
    batch_size: 1,
    inputs: { x: { data_type: "TYPE_FP32", dims: [16], zero_data: true } },
  }],
  response_cache: { enable: true },
};
