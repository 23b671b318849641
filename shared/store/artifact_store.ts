/**
 * The artifact interface: named byte blobs (models, checkpoints, indexes, state files) under
 * `/`-separated paths, each written atomically. Implementations: local files
 * (`createLocalArtifactStore`, the embedded default under `data/artifacts/`) and S3-compatible
 * object storage (`createS3ArtifactStore`); tenant views (`tenantArtifacts`) put the tenant id
 * in front of every path. Nothing above this interface knows which store it has.
 *
 * @module
 */

/** What {@link ArtifactStore.stat} and {@link ArtifactStore.list} report. */
export interface ArtifactInfo {
  /** The artifact's path in the store it was listed from. */
  path: string;
  /** Bytes. */
  size: number;
  /** Last write. */
  modified: Date;
}

/** Bytes to store: in memory, or a stream read to its end. */
export type ArtifactBody = Uint8Array | ReadableStream<Uint8Array>;

/**
 * Named blobs. Paths follow `checkArtifactPath`; every method refuses others with an
 * `invalid_artifact_path` DomainError. Store failures are DomainErrors too (`unavailable`
 * when a retry may help, `failed` otherwise).
 *
 * @example
 * ```ts
 * await artifacts.put("swa/mlp/run-1/gen-000001/state.json", bytes);
 * const same = await artifacts.get("swa/mlp/run-1/gen-000001/state.json");
 * for await (const info of artifacts.list("swa/mlp/")) console.log(info.path, info.size);
 * ```
 */
export interface ArtifactStore {
  /**
   * Stores `body` under `path`, replacing any artifact there. Atomic: readers see the old
   * artifact or the complete new one, never a part; a failed put leaves the old one.
   */
  put(path: string, body: ArtifactBody): Promise<void>;
  /** The artifact's bytes, or `undefined` when there is none. */
  get(path: string): Promise<Uint8Array | undefined>;
  /** The artifact as a stream (the caller reads or cancels it), or `undefined`. */
  getStream(path: string): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Size and time of the artifact, or `undefined` when there is none. */
  stat(path: string): Promise<ArtifactInfo | undefined>;
  /** Every artifact whose path starts with `prefix` (a plain string prefix), in path order. */
  list(prefix?: string): AsyncIterableIterator<ArtifactInfo>;
  /** Removes the artifact; a missing one is not an error. */
  delete(path: string): Promise<void>;
}
