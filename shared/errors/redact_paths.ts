/**
 * Filesystem paths of the server never reach a client: messages from below (ONNX Runtime's
 * "Load model from /srv/models/…/model.onnx failed", Deno's "readfile '/home/…'") pass through
 * {@link redactPaths} before they are shown.
 * @module
 */

/**
 * First segments of absolute paths on a server: the usual roots of Linux and macOS hosts and
 * containers, and build trees that native libraries name in their messages. URL paths of the
 * APIs (`/v2/models/…`, `/v1/…`) start with none of them.
 */
const ROOTS = [
  "app",
  "bin",
  "boot",
  "build",
  "data",
  "dev",
  "etc",
  "home",
  "lib",
  "lib64",
  "media",
  "mnt",
  "nix",
  "onnxruntime_src",
  "opt",
  "private",
  "proc",
  "root",
  "run",
  "sbin",
  "snap",
  "srv",
  "sys",
  "tmp",
  "Users",
  "usr",
  "var",
  "Volumes",
  "work",
  "workspace",
  "workspaces",
];

const SEGMENT = String.raw`[^\s'"\`<>()\[\]{},;:/\\]+`;
/** `file:` URLs, absolute POSIX paths under a server root, Windows drive paths. */
const PATH = new RegExp(
  [
    String.raw`file:\/\/[^\s'"\`<>]+`,
    String.raw`(?<![\w.~/-])\/(?:${ROOTS.join("|")})(?:\/${SEGMENT})+\/?`,
    String.raw`(?<![\w])[A-Za-z]:\\(?:[^\s'"\`<>\\]+\\?)+`,
  ].join("|"),
  "g",
);

/** Absolute paths of this process that do not sit under one of {@link ROOTS}. */
function localPrefixes(): string[] {
  const prefixes: string[] = [];
  try {
    prefixes.push(Deno.cwd());
  } catch { /* no read permission: nothing to add */ }
  for (const name of ["HOME", "TMPDIR", "DENO_DIR"]) {
    try {
      const value = Deno.env.get(name);
      if (value) prefixes.push(value);
    } catch { /* no env permission */ }
  }
  return prefixes.filter((p) => p.length > 1 && /^[/\\]|^[A-Za-z]:\\/.test(p));
}

let locals: string[] | undefined;

/** The last segment, so that a message keeps naming the file (`…/model.onnx`). */
function redactOne(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const last = trimmed.split(/[\\/]/).pop() ?? "";
  return last && last !== trimmed ? `…/${last}` : "…";
}

/**
 * Replaces every absolute filesystem path in `text` with `…/<last segment>`: `file://` URLs,
 * POSIX paths under a system root (`/tmp`, `/home`, `/srv`, …), the working directory and home
 * of this process, Windows drive paths. Text without a path comes back unchanged.
 *
 * @example
 * ```ts
 * redactPaths("Load model from /srv/models/m/1/model.onnx failed");
 * // "Load model from …/model.onnx failed"
 * ```
 */
export function redactPaths(text: string): string {
  if (!/[/\\]/.test(text)) return text;
  locals ??= localPrefixes();
  let out = text;
  for (const prefix of locals) {
    if (!out.includes(prefix)) continue;
    out = out.replace(
      new RegExp(`${escape(prefix)}(?![\\w.-])(?:[\\\\/]${SEGMENT})*`, "g"),
      (m) => redactOne(m),
    );
  }
  return out.replace(PATH, redactOne);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
