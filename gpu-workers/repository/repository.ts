/**
 * A Triton-style model repository on disk: `<repo>/<model>/config.json` next to numbered
 * version folders holding `model.onnx`. The layout is the configuration; nothing else is kept.
 */
import { join } from "node:path";
import { ModelConfig, type VersionPolicy } from "@edgeml/shared/contracts";
import { invalid, notFound, unprocessable } from "@edgeml/shared/errors";

export interface RepositoryModel {
  name: string;
  config: ModelConfig;
  /** Version numbers that have a `model.onnx`, ascending. */
  available: number[];
}

const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function assertModelName(name: string): void {
  if (!MODEL_NAME.test(name) || name.includes("..")) {
    throw invalid("invalid_model_name", `'${name}' is not a valid model name`);
  }
}

export function modelFile(repo: string, name: string, version: number): string {
  return join(repo, name, String(version), "model.onnx");
}

/** Names of the model folders in the repository. */
export async function listModels(repo: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(repo)) {
    if (entry.isDirectory && MODEL_NAME.test(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

/** Parses and validates a config given as JSON text; problems are `unprocessable`, with issues. */
export function parseModelConfig(name: string, text: string): ModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw unprocessable(
      "invalid_model_config",
      `config of '${name}' is not valid JSON: ${(e as Error).message}`,
    );
  }
  const parsed = ModelConfig.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw unprocessable(
      "invalid_model_config",
      `config of '${name}' is invalid: ${issues.join("; ")}`,
      { extra: { issues } },
    );
  }
  if (parsed.data.name !== undefined && parsed.data.name !== name) {
    throw unprocessable(
      "invalid_model_config",
      `config names the model '${parsed.data.name}' but it sits in folder '${name}'`,
    );
  }
  return parsed.data;
}

/** Reads one model's config (or uses `configOverride`) and its available versions. */
export async function readModel(
  repo: string,
  name: string,
  configOverride?: string,
): Promise<RepositoryModel> {
  assertModelName(name);
  const dir = join(repo, name);
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
  } catch {
    throw notFound("model_not_found", `model '${name}' is not in the repository`);
  }
  let configText = configOverride;
  if (configText === undefined) {
    try {
      configText = await Deno.readTextFile(join(dir, "config.json"));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw unprocessable(
          "invalid_model_config",
          `config of '${name}' cannot be read: ${(e as Error).message}`,
        );
      }
      configText = "{}"; // Triton allows a config-less model: every field has a default.
    }
  }
  const config = parseModelConfig(name, configText);
  const available: number[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory || !/^[1-9][0-9]*$/.test(entry.name)) continue;
    try {
      await Deno.stat(join(dir, entry.name, "model.onnx"));
      available.push(Number(entry.name));
    } catch {
      // A version folder without model.onnx is not a version yet.
    }
  }
  available.sort((a, b) => a - b);
  return { name, config, available };
}

/** The versions a policy serves out of those available (Triton's version_policy). */
export function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  if ("all" in policy) return [...available];
  if ("latest" in policy) return available.slice(-policy.latest.num_versions);
  return policy.specific.versions.filter((v) => available.includes(v)).sort((a, b) => a - b);
}
