/**
 * Triton's inference metrics, same names and labels (`model`, `version`), so dashboards built
 * for Triton read ours unchanged; plus which execution provider each placement uses.
 */
import { Counter, Gauge, Registry } from "prom-client";

export interface PoolMetrics {
  registry: Registry;
  requestSuccess: Counter<"model" | "version">;
  requestFailure: Counter<"model" | "version" | "reason">;
  inferenceCount: Counter<"model" | "version">;
  execCount: Counter<"model" | "version">;
  requestDurationUs: Counter<"model" | "version">;
  queueDurationUs: Counter<"model" | "version">;
  computeInferDurationUs: Counter<"model" | "version">;
  pendingRequests: Gauge<"model" | "version">;
  modelInstances: Gauge<"model" | "version" | "worker" | "execution_provider">;
  workerRestarts: Counter<"worker">;
}

export function createPoolMetrics(registry = new Registry()): PoolMetrics {
  const mv = ["model", "version"] as const;
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    requestSuccess: counter("nv_inference_request_success", "Successful inference requests", mv),
    requestFailure: counter("nv_inference_request_failure", "Failed inference requests", [
      ...mv,
      "reason",
    ]),
    inferenceCount: counter(
      "nv_inference_count",
      "Inferences performed (a batch of n rows counts n)",
      mv,
    ),
    execCount: counter("nv_inference_exec_count", "Model executions (batches) performed", mv),
    requestDurationUs: counter(
      "nv_inference_request_duration_us",
      "Cumulative end-to-end inference request time (µs)",
      mv,
    ),
    queueDurationUs: counter(
      "nv_inference_queue_duration_us",
      "Cumulative time requests waited in the batching queue (µs)",
      mv,
    ),
    computeInferDurationUs: counter(
      "nv_inference_compute_infer_duration_us",
      "Cumulative model execution time (µs), per request",
      mv,
    ),
    pendingRequests: new Gauge({
      name: "nv_inference_pending_request_count",
      help: "Requests received and not yet answered",
      labelNames: mv,
      registers: [registry],
    }),
    modelInstances: new Gauge({
      name: "nv_model_instances",
      help: "Loaded model instances by worker and the execution provider in use",
      labelNames: ["model", "version", "worker", "execution_provider"],
      registers: [registry],
    }),
    workerRestarts: counter("nv_worker_restarts", "Worker processes restarted after exiting", [
      "worker",
    ]),
  };
}
