/**
 * Why one URL of a crawl failed: a short `code` for the sync job's per-URL errors, and whether
 * the failure is `transient` (a timeout, a network error, a 5xx or 429: the page's document is
 * kept until a later sync reaches it) or final (the page is gone or cannot be indexed).
 */
export class CrawlError extends Error {
  constructor(
    readonly code: string,
    detail: string,
    readonly transient = false,
    readonly status?: number,
  ) {
    super(detail);
    this.name = "CrawlError";
  }
}

/** Any error as a {@link CrawlError}; others keep their message under `code`. */
export function asCrawlError(err: unknown, code = "unreadable"): CrawlError {
  if (err instanceof CrawlError) return err;
  const domainCode = (err as { code?: unknown })?.code;
  return new CrawlError(
    typeof domainCode === "string" ? domainCode : code,
    err instanceof Error ? err.message : String(err),
  );
}
