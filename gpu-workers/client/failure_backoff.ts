/**
 * How edges leave a failing pool model alone for a while: a key (a model and version) that
 * failed is not asked again for `backoffMs`, so callers take their fallback (rank lexically,
 * keep BM25F order, score in process) without paying for a failing call each time; a success
 * clears it.
 *
 * @example
 * ```ts
 * const backoff = createFailureBackoff();
 * if (!backoff.resting("reranker@3")) {
 *   try { await call(); backoff.succeeded("reranker@3"); } catch { backoff.failed("reranker@3"); }
 * }
 * ```
 */
export interface FailureBackoffOptions {
  /** How long a failed key is not asked again (default 10 s). */
  backoffMs?: number;
  now?: () => number;
}

export function createFailureBackoff(
  { backoffMs = 10_000, now = () => performance.now() }: FailureBackoffOptions = {},
) {
  const failedAt = new Map<string, number>();
  return {
    /** Whether `key` failed less than `backoffMs` ago. */
    resting(key: string): boolean {
      const failed = failedAt.get(key);
      return failed !== undefined && now() - failed < backoffMs;
    },
    failed(key: string): void {
      failedAt.set(key, now());
    },
    succeeded(key: string): void {
      failedAt.delete(key);
    },
  };
}
