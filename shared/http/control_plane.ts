import { serviceUnavailable } from "./problem.ts";

/**
 * An edge app's way to its control plane (jobs, ingestion, publishing), which only some
 * deployments have: the embedded default does, an edge app deployed alone does not. Routes
 * that need it call the returned function and answer 503 `control_plane_unavailable` without.
 *
 * @example
 * ```ts
 * const controlPlane = controlPlaneOf(options.control, "finalise where the workers' repository is");
 * app.post("/v1/swa/models/:name/versions", async (c) => c.json(await controlPlane().finalize(…)));
 * ```
 */
export function controlPlaneOf<T>(control: T | undefined, whereInstead: string): () => T {
  return function controlPlane(): T {
    if (!control) {
      throw serviceUnavailable(
        "control_plane_unavailable",
        `this deployment has no control plane for these routes; ${whereInstead}`,
        30,
      );
    }
    return control;
  };
}
