/**
 * A per-host crawl rate: requests to one host start at least `intervalMs` apart (Kendra's
 * `maxUrlsPerMinuteCrawlRate` gives 60 000 / rate; a robots.txt `Crawl-delay` can lengthen it). Slots
 * are reserved when asked for, so concurrent callers queue in order instead of racing.
 * @module
 */

export interface HostPacerOptions {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * @example
 * ```ts
 * const pace = hostPacer();
 * await pace("city.example", 200); // at once
 * await pace("city.example", 200); // 200 ms after the first
 * ```
 */
export function hostPacer({ now = Date.now, sleep = sleepFor }: HostPacerOptions = {}) {
  const nextAt = new Map<string, number>();
  return async function pace(host: string, intervalMs: number, signal?: AbortSignal) {
    const t = now();
    const at = Math.max(t, nextAt.get(host) ?? 0);
    nextAt.set(host, at + intervalMs);
    if (at > t) await sleep(at - t, signal);
  };
}
