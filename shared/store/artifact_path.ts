import { invalid } from "../errors/domain_error.ts";

/** Longest artifact path, S3's key limit. */
export const MAX_ARTIFACT_PATH = 1024;

function refuse(path: string, why: string): never {
  throw invalid("invalid_artifact_path", `artifact path ${JSON.stringify(path)} ${why}`);
}

function checkSegments(path: string): void {
  if (path.length > MAX_ARTIFACT_PATH) refuse(path.slice(0, 40) + "…", "is too long");
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) {
    refuse(path, "holds a backslash or a control character");
  }
  if (path.startsWith("/")) refuse(path, "is absolute; artifact paths are relative");
  for (const segment of path.split("/")) {
    if (segment === "") refuse(path, "has an empty segment");
    // Also rules out "." and "..", and keeps names starting with "." free for temp files.
    if (segment.startsWith(".")) refuse(path, `has a segment starting with "." (${segment})`);
  }
}

/**
 * Returns `path` if it names an artifact the same way on every store: relative, `/`-separated,
 * no empty, `.` or `..` segments (no segment starts with `.`), no backslashes or control
 * characters, at most 1024 characters. A store can then map it to a file under its root or to
 * an object key without any way to step outside.
 *
 * @throws {DomainError} `invalid` / `invalid_artifact_path` otherwise.
 *
 * @example
 * ```ts
 * checkArtifactPath("default/swa/mlp/run-1/gen-000001/average.onnx"); // ok
 * checkArtifactPath("../etc/passwd"); // throws invalid_artifact_path
 * ```
 */
export function checkArtifactPath(path: string): string {
  if (typeof path !== "string" || path === "") refuse(String(path), "is empty");
  if (path.endsWith("/")) refuse(path, "ends with a slash; it names a folder, not an artifact");
  checkSegments(path);
  return path;
}

/**
 * Returns `prefix` if it can select artifacts in {@link ArtifactStore.list}: `""` (everything),
 * a folder (`"default/swa/"`) or the start of a path (`"default/swa/ml"`), with the rules of
 * {@link checkArtifactPath} for the part before the last slash.
 */
export function checkArtifactPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  checkSegments(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  return prefix;
}
