/**
 * Puts built models into service. The artifact store holds every version's files (the source
 * of truth, S3 in a scale-out); the worker pool's Triton repository holds only the versions
 * being served, each worker model with a `config.json` whose `version_policy` names exactly
 * those versions. A restart of the pool therefore serves what was served, and nothing else.
 */
import { join } from "node:path";
import type { ModelConfigInput } from "@edgeml/shared/contracts";
import { failed } from "@edgeml/shared/errors";
import type { TenantArtifactStore } from "@edgeml/shared/store";
import type { OipClient } from "../client/oip_client.ts";

export interface ModelPublisher {
  /**
   * Serves exactly `versions` of the worker model `name` (each version's ONNX file read from the
   * artifact path given); versions served before and not named are unloaded once the new set
   * serves. An empty list unloads the model.
   */
  serve(name: string, versions: { version: number; artifact: string }[]): Promise<void>;
}

export interface RepositoryPublisherOptions {
  /** The pool's model repository folder. */
  repository: string;
  artifacts: TenantArtifactStore;
  workers: OipClient;
  /** `max_batch_size` of the served models (default 64). */
  maxBatchSize?: number;
}

/** Triton settings of published models: dynamic batching sized like the demo models'. */
function servedConfig(name: string, versions: number[], maxBatchSize: number): ModelConfigInput {
  return {
    name,
    max_batch_size: maxBatchSize,
    version_policy: { specific: { versions } },
    dynamic_batching: {
      max_queue_delay_microseconds: 2_000,
      default_queue_policy: { max_queue_size: 1024 },
    },
    instance_group: [{ kind: "KIND_GPU", count: 1 }],
    parameters: { adaptive_queue_delay: { string_value: "true" } },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(path: string, bytes: Uint8Array) {
  const temporary = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeFile(temporary, bytes);
  await Deno.rename(temporary, path);
}

export function repositoryPublisher(
  { repository, artifacts, workers, maxBatchSize = 64 }: RepositoryPublisherOptions,
): ModelPublisher {
  // What each worker model was last set to serve by this process: asking again is a no-op.
  const serving = new Map<string, string>();
  return {
    async serve(name, versions) {
      const dir = join(repository, name);
      const key = versions.map((v) => v.version).sort((a, b) => a - b).join(",");
      if (serving.get(name) === key) return;
      serving.delete(name);
      if (versions.length === 0) {
        await workers.unload(name).catch(() => undefined);
        await Deno.remove(dir, { recursive: true }).catch(() => undefined);
        serving.set(name, key);
        return;
      }
      for (const { version, artifact } of versions) {
        const file = join(dir, String(version), "model.onnx");
        if (await exists(file)) continue;
        const bytes = await artifacts.get(artifact);
        if (!bytes) throw failed("artifact_missing", `${artifact} is missing from the store`);
        await Deno.mkdir(join(dir, String(version)), { recursive: true });
        await writeAtomically(file, bytes);
      }
      const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
      const config = servedConfig(name, numbers, maxBatchSize);
      const configText = JSON.stringify(config, null, 2) + "\n";
      // After a restart the pool has loaded the repository as it was: if that is this set
      // already, reloading it would only replace every session for nothing.
      const onDisk = await Deno.readTextFile(join(dir, "config.json")).catch(() => "");
      const ready = (await workers.repositoryIndex(true))
        .filter((e) => e.name === name).map((e) => Number(e.version)).sort((a, b) => a - b);
      if (onDisk !== configText || ready.join(",") !== key) {
        await writeAtomically(join(dir, "config.json"), new TextEncoder().encode(configText));
        await workers.load(name, config);
      }
      serving.set(name, key);
      // Versions no longer served leave the repository once the new set has taken over.
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory && /^\d+$/.test(entry.name) && !numbers.includes(+entry.name)) {
          await Deno.remove(join(dir, entry.name), { recursive: true }).catch(() => undefined);
        }
      }
    },
  };
}
