import assert from "node:assert/strict";
import { controlPlaneOf } from "./control_plane.ts";
import { ProblemError } from "./problem.ts";

Deno.test("controlPlaneOf: the control plane when there is one, else 503 with a retry hint", () => {
  const control = { finalize: () => "ok" };
  assert.equal(controlPlaneOf(control, "elsewhere")().finalize(), "ok");
  const absent = controlPlaneOf<typeof control>(undefined, "finalise where the workers are");
  const error = (() => {
    try {
      absent();
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ProblemError);
  assert.equal(error.status, 503);
  assert.equal(error.code, "control_plane_unavailable");
  assert.match(error.detail, /finalise where the workers are/);
  assert.equal(error.headers?.["Retry-After"], "30");
});
