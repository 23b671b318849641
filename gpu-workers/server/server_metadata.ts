/** What the pool says about itself at `GET /v2`, over HTTP and to in-process callers alike. */
import type { ServerMetadata } from "@edgeml/shared/contracts";

export const POOL_SERVER_NAME = "edgeml-workers";
export const POOL_SERVER_VERSION = "0.1.0";
/** The OIP / Triton extensions the pool implements. */
export const POOL_EXTENSIONS = [
  "binary_tensor_data",
  "model_repository",
  "model_configuration",
  "schedule_policy",
  "statistics",
];

export function poolServerMetadata(
  name = POOL_SERVER_NAME,
  version = POOL_SERVER_VERSION,
): ServerMetadata {
  return { name, version, extensions: POOL_EXTENSIONS };
}
