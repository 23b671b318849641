/**
 * The errors the SWA client throws: `SwaApiError` for a failed HTTP call (the server's RFC 9457
 * problem, or a stand-in when the body is not one) and `SwaJobError` for a finalisation job that
 * ended FAILED or was not done in time.
 */
import { type Problem, readProblem } from "@edgeml/shared/contracts";
import type { SwaJob } from "@edgeml/shared/contracts/swa";

/** Characters of a non-problem body kept as the error's detail. */
const DETAIL_LIMIT = 500;

/** A call the server answered with an error status; `problem` is its problem+json body. */
export class SwaApiError extends Error {
  override name = "SwaApiError";
  readonly code: string;
  readonly detail: string;

  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter?: string,
  ) {
    super(`${status} ${problem.code}: ${problem.detail}`);
    this.code = problem.code;
    this.detail = problem.detail;
  }
}

/** A job that ended FAILED (`code` and `detail` from its `failureReason`) or timed out waiting. */
export class SwaJobError extends Error {
  override name = "SwaJobError";

  constructor(readonly code: string, readonly detail: string, readonly job: SwaJob) {
    super(`job ${job.jobId} ${code}: ${detail}`);
  }
}

/**
 * Reads a failed response into a `SwaApiError`. A body that is not a problem (a proxy's HTML
 * error page, say) becomes one with code `http_<status>` and the start of the body as detail.
 *
 * @example
 * ```ts
 * if (!res.ok) throw await swaApiErrorFrom(res);
 * ```
 */
export async function swaApiErrorFrom(res: Response): Promise<SwaApiError> {
  const problem = await readProblem(res, DETAIL_LIMIT);
  return new SwaApiError(res.status, problem, res.headers.get("retry-after") ?? undefined);
}
