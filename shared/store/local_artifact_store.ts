import { conflict, DomainError, failed } from "../errors/domain_error.ts";
import type { ArtifactBody, ArtifactInfo, ArtifactStore } from "./artifact_store.ts";
import { checkArtifactPath, checkArtifactPrefix } from "./artifact_path.ts";

/** Options of {@link createLocalArtifactStore}. */
export interface LocalArtifactStoreOptions {
  /** The folder holding every artifact (created on first write), e.g. `data/artifacts`. */
  root: string;
}

const isMissing = (error: unknown) =>
  error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory ||
  error instanceof Deno.errors.IsADirectory;

/** IO errors as DomainErrors; the detail names the artifact, never the server's folders. */
function storeError(operation: string, path: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (
    error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory ||
    error instanceof Deno.errors.IsADirectory
  ) {
    return conflict(
      "artifact_path_conflict",
      `cannot ${operation} ${path}: a path is both a folder and an artifact`,
      { cause: error },
    );
  }
  return failed("artifact_store_failed", `cannot ${operation} ${path}`, { cause: error });
}

async function writeAll(file: Deno.FsFile, body: ArtifactBody): Promise<void> {
  const chunks = body instanceof Uint8Array ? [body] : body;
  for await (const chunk of chunks) {
    let written = 0;
    while (written < chunk.byteLength) written += await file.write(chunk.subarray(written));
  }
}

/** fsync a folder so that a rename in it survives a power cut; not every platform allows it. */
async function syncFolder(folder: string): Promise<void> {
  try {
    using dir = await Deno.open(folder, { read: true });
    await dir.sync();
  } catch {
    // Windows cannot open a folder as a file; the rename itself is still atomic.
  }
}

/**
 * An {@link ArtifactStore} over plain files: artifact `a/b/c.onnx` is `<root>/a/b/c.onnx`, so
 * `ls` and any tool read the store. A put writes `.c.onnx.<uuid>.tmp` beside the target,
 * fsyncs it, renames it over the target and fsyncs the folder: atomic and durable. Temp files
 * (names starting with `.`) are never listed; a crash can leave one behind, harmlessly.
 *
 * @example
 * ```ts
 * const artifacts = createLocalArtifactStore({ root: "data/artifacts" });
 * await artifacts.put("default/models/mlp/1/model.onnx", bytes);
 * ```
 */
export function createLocalArtifactStore({ root }: LocalArtifactStoreOptions): ArtifactStore {
  const base = root.replace(/\/+$/, "") || "/";
  const fileOf = (path: string) => `${base}/${checkArtifactPath(path)}`;

  async function put(path: string, body: ArtifactBody): Promise<void> {
    const file = fileOf(path);
    const slash = file.lastIndexOf("/");
    const folder = file.slice(0, slash);
    const tmp = `${folder}/.${file.slice(slash + 1)}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.mkdir(folder, { recursive: true });
      // A concurrent delete may prune the fresh folder: create it once more if so.
      const handle = await Deno.open(tmp, { write: true, createNew: true }).catch(async (e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        await Deno.mkdir(folder, { recursive: true });
        return Deno.open(tmp, { write: true, createNew: true });
      });
      try {
        await writeAll(handle, body);
        await handle.syncData();
      } finally {
        handle.close();
      }
      await Deno.rename(tmp, file);
      await syncFolder(folder);
    } catch (error) {
      await Deno.remove(tmp).catch(() => {});
      throw storeError("put", path, error);
    }
  }

  async function stat(path: string): Promise<ArtifactInfo | undefined> {
    try {
      const info = await Deno.stat(fileOf(path));
      if (!info.isFile) return undefined;
      return { path, size: info.size, modified: info.mtime ?? new Date(0) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storeError("stat", path, error);
    }
  }

  async function get(path: string): Promise<Uint8Array | undefined> {
    try {
      return await Deno.readFile(fileOf(path));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storeError("read", path, error);
    }
  }

  async function getStream(path: string): Promise<ReadableStream<Uint8Array> | undefined> {
    if (!(await stat(path))) return undefined;
    try {
      return (await Deno.open(fileOf(path), { read: true })).readable;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storeError("read", path, error);
    }
  }

  /** Paths under `folder` (relative to root) that may start with `prefix`, unsorted. */
  async function* walk(folder: string, prefix: string): AsyncGenerator<string> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder === "" ? base : `${base}/${folder}`));
    } catch (error) {
      if (isMissing(error)) return;
      throw storeError("list", `${folder}/`, error);
    }
    for (const entry of entries) {
      // Temp files, and names no artifact path can have (written by something else).
      // deno-lint-ignore no-control-regex
      if (entry.name.startsWith(".") || /[\u0000-\u001f\u007f\\]/.test(entry.name)) continue;
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory) {
        if (`${path}/`.startsWith(prefix) || prefix.startsWith(`${path}/`)) {
          yield* walk(path, prefix);
        }
      } else if (entry.isFile && path.startsWith(prefix)) {
        yield path;
      }
    }
  }

  async function* list(prefix = ""): AsyncIterableIterator<ArtifactInfo> {
    checkArtifactPrefix(prefix);
    const start = prefix.slice(0, prefix.lastIndexOf("/") + 1).replace(/\/$/, "");
    const paths = (await Array.fromAsync(walk(start, prefix))).sort();
    for (const path of paths) {
      const info = await stat(path);
      if (info) yield info;
    }
  }

  async function remove(path: string): Promise<void> {
    const file = fileOf(path);
    if (!(await stat(path))) return; // nothing there, or a folder: not an artifact
    try {
      await Deno.remove(file);
    } catch (error) {
      if (isMissing(error)) return;
      throw storeError("delete", path, error);
    }
    // Prune folders left empty, so `ls` shows only what exists; stop at the first non-empty.
    let folder = file.slice(0, file.lastIndexOf("/"));
    while (folder.length > base.length) {
      try {
        await Deno.remove(folder);
      } catch {
        return;
      }
      folder = folder.slice(0, folder.lastIndexOf("/"));
    }
  }

  return { put, get, getStream, stat, list, delete: remove };
}
