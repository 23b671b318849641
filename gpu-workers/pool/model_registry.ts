/**
 * The models a pool serves, by name: loading from the repository (every version its
 * version_policy selects, on the devices its instance_group names), hot swap (the new versions
 * serve once loaded, the old ones finish their queues and are then unloaded), unload, and
 * Triton's repository index.
 */
import type { ModelState, RepositoryIndex } from "@edgeml/shared/contracts";
import {
  DomainError,
  notFound,
  redactPaths,
  unavailable,
  unprocessable,
} from "@edgeml/shared/errors";
import { DynamicBatcher } from "../batcher/dynamic_batcher.ts";
import { DeviceGoneError, ModelLoadError } from "../device/device.ts";
import type { ResolvedModelConfig } from "../repository/resolved_config.ts";
import {
  assertModelName,
  listModels,
  modelFile,
  readModel,
  selectVersions,
} from "../repository/repository.ts";
import { capacity, type DispatchContext, executeBatch, RETRY } from "./dispatcher.ts";
import { checkDeclaredTensors } from "./declared_tensors.ts";
import { paddedBatchRows } from "./batch_padding.ts";
import { modelFileHasConvolution } from "./convolution_ops.ts";
import { placeInstances } from "./placement.ts";
import { type Job, rowShapeKey, type ServedVersion, variableRowShape } from "./served_version.ts";
import type { Supervisor } from "./supervisor.ts";
import type { Tensor } from "@edgeml/shared/contracts";

/** Instances of all models together on one device: each is a thread with its own session. */
export const DEFAULT_MAX_INSTANCES_PER_DEVICE = 64;

export interface ModelEntry {
  name: string;
  state: ModelState;
  reason?: string;
  versions: Map<number, ServedVersion>;
  /** Loads and unloads of one model run one after another. */
  chain: Promise<unknown>;
}

export interface RegistryHooks {
  loaded(served: ServedVersion): void;
  retired(served: ServedVersion): void;
  log(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
}

export class ModelRegistry {
  readonly models = new Map<string, ModelEntry>();
  /** Versions swapped out or unloaded whose queues are still draining. */
  readonly retiring = new Set<ServedVersion>();
  #keySeq = 0;
  #retirements = new Set<Promise<void>>();

  constructor(
    readonly repository: string,
    readonly supervisor: Supervisor,
    readonly dispatch: DispatchContext,
    readonly hooks: RegistryHooks,
    readonly maxInstancesPerDevice = DEFAULT_MAX_INSTANCES_PER_DEVICE,
  ) {}

  /** Every version serving now and every one still draining. */
  allVersions(): ServedVersion[] {
    return [
      ...[...this.models.values()].flatMap((e) => [...e.versions.values()]),
      ...this.retiring,
    ];
  }

  /** Loads (or reloads) a model; the old versions serve until the new ones are ready. */
  load(name: string, configOverride?: string): Promise<void> {
    try {
      // A name that could never be a model leaves no trace in the index.
      assertModelName(name);
    } catch (e) {
      return Promise.reject(e);
    }
    const entry = this.#entry(name);
    const run = entry.chain.then(() => this.#load(entry, configOverride)).catch((e) => {
      // Only what the repository holds stays listed; a failed load of it keeps its reason.
      const absent = e instanceof DomainError && e.kind === "not_found";
      if (absent && entry.versions.size === 0) this.models.delete(name);
      throw e;
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }

  unload(name: string): Promise<void> {
    const entry = this.models.get(name);
    if (!entry) return Promise.reject(notFound("model_not_found", `model '${name}' is not loaded`));
    const run = entry.chain.then(async () => {
      const old = [...entry.versions.values()];
      entry.versions = new Map();
      entry.state = "UNAVAILABLE";
      entry.reason = "unloaded";
      await Promise.all(old.map((v) => this.retire(v)));
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }

  async index(readyOnly = false): Promise<RepositoryIndex> {
    const names = new Set([...await listModels(this.repository), ...this.models.keys()]);
    const index: RepositoryIndex = [];
    for (const name of [...names].sort()) {
      const entry = this.models.get(name);
      if (entry && entry.versions.size > 0) {
        for (const v of entry.versions.values()) {
          index.push({ name, version: String(v.version), state: "READY", reason: "" });
        }
      } else if (!readyOnly) {
        index.push({
          name,
          state: entry?.state ?? "UNAVAILABLE",
          reason: entry?.reason ?? "not loaded",
        });
      }
    }
    return index;
  }

  serving(name: string): ModelEntry {
    const entry = this.models.get(name);
    if (!entry || entry.versions.size === 0) {
      throw notFound("model_not_found", `model '${name}' is not loaded`);
    }
    return entry;
  }

  version(name: string, version?: string): ServedVersion {
    const entry = this.serving(name);
    if (version === undefined) return entry.versions.get(Math.max(...entry.versions.keys()))!;
    const served = /^[1-9][0-9]*$/.test(version) ? entry.versions.get(Number(version)) : undefined;
    if (!served) {
      throw notFound(
        "version_not_found",
        `model '${name}' has no version '${version}' loaded; loaded: ${[...entry.versions.keys()]}`,
      );
    }
    return served;
  }

  /** Resolves once every version taken out of service so far has been unloaded. */
  async retired(): Promise<void> {
    while (this.#retirements.size > 0) await Promise.all(this.#retirements);
  }

  /** Takes a version out of service once its queue is empty, then frees its sessions. */
  retire(served: ServedVersion): Promise<void> {
    const done = this.#retire(served).finally(() => this.#retirements.delete(done));
    this.#retirements.add(done);
    return done;
  }

  async #retire(served: ServedVersion) {
    this.retiring.add(served);
    await served.batcher.idle();
    this.retiring.delete(served);
    await Promise.all(served.placements.map((p) => p.device.unload(served.key)));
    this.hooks.retired(served);
  }

  #entry(name: string): ModelEntry {
    let entry = this.models.get(name);
    if (!entry) {
      entry = { name, state: "UNAVAILABLE", versions: new Map(), chain: Promise.resolve() };
      this.models.set(name, entry);
    }
    return entry;
  }

  async #load(entry: ModelEntry, configOverride?: string) {
    const model = await readModel(this.repository, entry.name, configOverride);
    const versions = selectVersions(model.config.versionPolicy, model.available);
    if (versions.length === 0) {
      throw unprocessable(
        "no_model_version",
        `model '${entry.name}' has no version folder with a ${model.config.defaultModelFilename} that its version_policy selects`,
      );
    }
    const placements = placeInstances(model.config, this.supervisor.devices);
    this.#checkDeviceCapacity(entry, placements, versions.length);
    if (entry.versions.size === 0) entry.state = "LOADING";
    const loaded: ServedVersion[] = [];
    try {
      for (const version of versions) {
        loaded.push(await this.#loadVersion(entry.name, version, model.config, placements));
      }
    } catch (e) {
      await Promise.all(loaded.map((v) => this.retire(v)));
      if (entry.versions.size === 0) {
        entry.state = "UNAVAILABLE";
        // The index shows it to callers: no paths of this host in it.
        entry.reason = redactPaths(String((e as Error).message));
      }
      throw e;
    }
    const old = [...entry.versions.values()];
    entry.versions = new Map(loaded.map((v) => [v.version, v]));
    entry.state = "READY";
    entry.reason = model.config.ignored.length > 0
      ? `Triton settings accepted but not applied: ${model.config.ignored.join(", ")}`
      : undefined;
    this.hooks.log("info", "model loaded", {
      model: entry.name,
      versions,
      provider: loaded[0].provider,
      devices: placements.map((p) => p.slotId),
      ignored: model.config.ignored,
    });
    // Requests already queued on the old versions finish there; only then are they unloaded.
    for (const v of old) this.retire(v).catch(() => undefined);
  }

  /** Refuses a load whose instances, with those already placed, would crowd a device. */
  #checkDeviceCapacity(
    entry: ModelEntry,
    placements: ReturnType<typeof placeInstances>,
    versions: number,
  ) {
    for (const placement of placements) {
      let placed = 0;
      for (const served of this.allVersions()) {
        if (served.name === entry.name) continue; // a reload replaces these
        for (const p of served.placements) {
          if (p.device.id === placement.slotId) placed += p.instances;
        }
      }
      const wanted = placement.instances * versions;
      if (placed + wanted > this.maxInstancesPerDevice) {
        throw unprocessable(
          "too_many_instances",
          `model '${entry.name}' asks for ${wanted} instances on ${placement.slotId}, which holds ${placed}; a device takes at most ${this.maxInstancesPerDevice}`,
        );
      }
    }
  }

  async #loadVersion(
    name: string,
    version: number,
    config: ResolvedModelConfig,
    placements: ReturnType<typeof placeInstances>,
  ): Promise<ServedVersion> {
    const key = `${name}@${version}#${++this.#keySeq}`;
    const path = modelFile(this.repository, name, version, config.defaultModelFilename);
    const done: {
      device: ServedVersion["placements"][number]["device"];
      instances: number;
      reply: Awaited<ReturnType<ServedVersion["placements"][number]["device"]["load"]>>;
    }[] = [];
    const unloadAll = () => Promise.all(done.map((d) => d.device.unload(key)));
    try {
      for (const placement of placements) {
        const device = this.supervisor.device(placement.slotId);
        const reply = await device.load({
          key,
          path,
          providers: placement.providers,
          instances: placement.instances,
          intraOpThreads: config.intraOpThreads,
          deadlineMs: config.executionDeadlineMs,
        });
        done.push({ device, instances: placement.instances, reply });
      }
    } catch (e) {
      await unloadAll();
      if (e instanceof ModelLoadError) {
        throw unprocessable(
          "model_load_failed",
          `loading ${name} version ${version} failed: ${e.message}`,
        );
      }
      if (e instanceof DeviceGoneError) {
        throw unavailable("worker_unavailable", `${e.message} while loading ${name}`, RETRY);
      }
      throw e;
    }
    const { inputs, outputs, provider, fallbacks } = done[0].reply;
    try {
      checkDeclaredTensors(name, "input", config.declaredInputs, inputs, config.maxBatchSize);
      checkDeclaredTensors(name, "output", config.declaredOutputs, outputs, config.maxBatchSize);
    } catch (e) {
      await unloadAll();
      throw e;
    }
    if (config.maxBatchSize > 0) {
      const fixed = [...inputs, ...outputs].filter((t) => t.shape[0] !== -1);
      if (fixed.length > 0) {
        await unloadAll();
        throw unprocessable(
          "batch_dimension_not_dynamic",
          `max_batch_size is ${config.maxBatchSize} but dim 0 of ${
            fixed.map((t) => t.name).join(", ")
          } is fixed; export the model with a dynamic batch dimension or set max_batch_size 0`,
        );
      }
    }
    const padBatchesTo = await paddedBatchRows(
      provider,
      config.maxBatchSize,
      config.cudaBatchPadding,
      () => modelFileHasConvolution(path),
    );
    const batching = config.dynamicBatching;
    const served: ServedVersion = {
      name,
      version,
      key,
      config,
      inputs,
      outputs,
      placements: done.map((d) => ({ device: d.device, instances: d.instances })),
      provider,
      fallbacks,
      padBatchesTo,
      batcher: new DynamicBatcher<Job, Tensor[]>({
        batching: batching !== undefined && config.maxBatchSize > 0,
        maxBatchRows: config.maxBatchSize,
        maxQueueDelayUs: batching?.maxQueueDelayUs ?? 0,
        adaptiveDelay: config.adaptiveQueueDelay,
        preferredBatchRows: batching?.preferredBatchSizes,
        maxQueueSize: batching?.maxQueueSize,
        batchKey: variableRowShape(inputs) ? rowShapeKey : undefined,
        capacity: () => capacity(served),
        execute: (jobs) => executeBatch(this.dispatch, served, jobs),
      }),
    };
    this.hooks.loaded(served);
    return served;
  }
}
