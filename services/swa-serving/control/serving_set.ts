/**
 * Which versions of a model the worker pool holds: the live one and the one live before it (so
 * a rollback to it is a pointer flip), plus any version being brought up. Derived from the
 * catalog each time and applied to every worker model the versions use, so whatever happened
 * before (a failed job, a restart, a delete) the pool ends up holding exactly this set.
 */
import type { TenantStores } from "@edgeml/shared/store";
import { getModel, listVersions, type VersionRecord } from "../domain/catalog.ts";
import { createKeyedQueue } from "@edgeml/shared/store";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";

/** Artifact paths of a version's built models. */
export const versionArtifact = (model: string, version: number, file: string) =>
  `swa-serving/${model}/versions/${version}/${file}`;

/** The worker models of a version with the artifact file each is served from. */
export function servedFiles(record: VersionRecord): { worker: string; file: string }[] {
  return [
    { worker: record.served.swa, file: "swa.onnx" },
    { worker: record.served.checkpoint, file: "checkpoint.onnx" },
    ...record.served.swag.map((worker, i) => ({ worker, file: `swag-${i}.onnx` })),
  ];
}

/**
 * Serves the live version, the previous live one and `extra` (a version being brought up), and
 * unloads every other worker model version of the model. `forget` lists records about to be
 * deleted, whose worker models must still be unloaded.
 */
export function applyServingSet(
  stores: TenantStores,
  publisher: ModelPublisher,
  name: string,
  changes: { extra?: VersionRecord; forget?: VersionRecord[] } = {},
): Promise<void> {
  // One at a time per model: a job's publish and a rollback never interleave their loads.
  return perModel.run(`${stores.kv.tenant}/${name}`, () => apply(stores, publisher, name, changes));
}

const perModel = createKeyedQueue();

async function apply(
  stores: TenantStores,
  publisher: ModelPublisher,
  name: string,
  { extra, forget = [] }: { extra?: VersionRecord; forget?: VersionRecord[] },
): Promise<void> {
  const model = await getModel(stores.kv, name);
  const records = await listVersions(stores.kv, name);
  const keep = new Set<number>(
    [model.liveVersion, model.liveHistory.at(-1)].filter((v): v is number => v != null),
  );
  const wanted = new Map<string, { version: number; artifact: string }[]>();
  const consider = [
    ...records.filter((r) => r.version !== extra?.version),
    ...forget,
    ...(extra ? [extra] : []),
  ];
  for (const record of consider) {
    const serve = (record.status === "READY" && keep.has(record.version)) ||
      record.version === extra?.version;
    for (const { worker, file } of servedFiles(record)) {
      const list = wanted.get(worker) ?? [];
      const deleted = forget.some((f) => f.version === record.version);
      if (serve && !deleted) {
        list.push({
          version: record.version,
          artifact: versionArtifact(name, record.version, file),
        });
      }
      wanted.set(worker, list);
    }
  }
  for (const [worker, versions] of wanted) await publisher.serve(worker, versions);
}
