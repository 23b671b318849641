/**
 * A Triton model repository on disk: `<repo>/<model>/config.pbtxt` (or `config.json`, Triton's
 * JSON form with the same names, or no config at all) next to numbered version folders holding
 * the model file (`model.onnx` unless `default_model_filename` says otherwise). The layout is
 * the configuration; nothing else is kept.
 *
 * Error details never name server paths: a model, a version, or a repository-relative file.
 */
import { join } from "node:path";
import { invalid, notFound, unprocessable } from "@edgeml/shared/errors";
import { parsePbtxt } from "./pbtxt.ts";
import {
  DEFAULT_MODEL_FILENAME,
  type HostDevices,
  type ResolvedModelConfig,
  type ResolvedVersionPolicy,
  resolveModelConfig,
} from "./resolved_config.ts";

export interface RepositoryModel {
  name: string;
  config: ResolvedModelConfig;
  /** Version numbers whose folder holds the model file, ascending. */
  available: number[];
}

/** Config files a model folder may hold, in the order they are looked for (Triton reads pbtxt). */
export const CONFIG_FILES = ["config.pbtxt", "config.json"] as const;

const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function assertModelName(name: string): void {
  if (!MODEL_NAME.test(name) || name.includes("..")) {
    throw invalid("invalid_model_name", `'${name}' is not a valid model name`);
  }
}

/** The model file of one version: `<repo>/<name>/<version>/<filename>` (default `model.onnx`). */
export function modelFile(
  repo: string,
  name: string,
  version: number,
  filename: string = DEFAULT_MODEL_FILENAME,
): string {
  assertModelName(name);
  if (!FILE_NAME.test(filename) || filename.includes("..")) {
    throw invalid("invalid_model_filename", `'${filename}' is not a plain file name`);
  }
  return join(repo, name, String(version), filename);
}

/** Names of the model folders in the repository. */
export async function listModels(repo: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(repo)) {
    if (entry.isDirectory && MODEL_NAME.test(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

/**
 * Parses and resolves a config given as text: Triton's model-config JSON (`format: "json"`, what
 * `config.json` and a load request's `parameters.config` hold) or protobuf text (`"pbtxt"`).
 * `source` names the text in error details (`<model>/config.pbtxt`). Problems are
 * `unprocessable("invalid_model_config")`, with issues.
 */
export function parseModelConfig(
  name: string,
  text: string,
  format: "json" | "pbtxt" = "json",
  source = format === "json" ? `${name}/config.json` : `${name}/config.pbtxt`,
  host?: HostDevices,
): ResolvedModelConfig {
  let raw: unknown;
  if (format === "pbtxt") raw = parsePbtxt(text, source);
  else {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw unprocessable(
        "invalid_model_config",
        `${source} is not valid JSON: ${(e as Error).message}`,
      );
    }
  }
  return resolveModelConfig(name, raw as Record<string, unknown>, host);
}

async function readConfigText(
  dir: string,
  name: string,
): Promise<{ text: string; format: "json" | "pbtxt"; source: string } | undefined> {
  for (const file of CONFIG_FILES) {
    const source = `${name}/${file}`;
    try {
      const text = await Deno.readTextFile(join(dir, file));
      return { text, format: file === "config.pbtxt" ? "pbtxt" : "json", source };
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      // Deno's message names the absolute path; say which file, relative to the repository.
      const why = e instanceof Deno.errors.PermissionDenied
        ? "permission denied"
        : e instanceof Deno.errors.IsADirectory
        ? "it is a directory"
        : e instanceof TypeError
        ? "it is not valid UTF-8"
        : (e as Error).name;
      throw unprocessable("invalid_model_config", `${source} cannot be read: ${why}`);
    }
  }
  return undefined; // Triton allows a config-less model: every field has a default.
}

/**
 * Reads one model's config and its available versions. `configOverride` (Triton's model-config
 * JSON text, as a load request's `parameters.config` carries it) replaces the files. `host`
 * fills the Triton form's device fields.
 */
export async function readModel(
  repo: string,
  name: string,
  configOverride?: string,
  host?: HostDevices,
): Promise<RepositoryModel> {
  assertModelName(name);
  const dir = join(repo, name);
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
  } catch {
    throw notFound("model_not_found", `model '${name}' is not in the repository`);
  }
  let config: ResolvedModelConfig;
  if (configOverride !== undefined) {
    config = parseModelConfig(name, configOverride, "json", `config override of '${name}'`, host);
  } else {
    const file = await readConfigText(dir, name);
    config = file
      ? parseModelConfig(name, file.text, file.format, file.source, host)
      : resolveModelConfig(name, {}, host);
  }
  const available: number[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory || !/^[1-9][0-9]*$/.test(entry.name)) continue;
    try {
      await Deno.stat(join(dir, entry.name, config.defaultModelFilename));
      available.push(Number(entry.name));
    } catch {
      // A version folder without the model file is not a version yet.
    }
  }
  available.sort((a, b) => a - b);
  return { name, config, available };
}

/** The versions a policy serves out of those available (Triton's version_policy). */
export function selectVersions(
  policy: ResolvedVersionPolicy,
  available: readonly number[],
): number[] {
  if ("all" in policy) return [...available];
  if ("latest" in policy) return available.slice(-policy.latest.num_versions);
  return policy.specific.versions.filter((v) => available.includes(v)).sort((a, b) => a - b);
}
