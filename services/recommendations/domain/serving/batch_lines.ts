/**
 * Batch recommendations as Personalize's batch inference jobs read and write them: one JSON
 * object per input line (`{"userId": "u1", "numResults": 25}`), one per output line, in order,
 * `{"input": …, "output": {"itemList": …, "recommendationId": …}}` or, for a line that cannot be
 * answered, `{"input": …, "error": "…"}`: a bad line never fails the others. Blank lines are
 * skipped.
 *
 * @example
 * ```ts
 * const out = await batchLines(text, (request) => server.recommend("home", request));
 * ```
 */
export interface BatchRequest {
  userId: string;
  numResults: number;
}

const MAX_LINES = 100_000;

export async function batchLines(
  text: string,
  recommend: (request: BatchRequest) => Promise<unknown>,
): Promise<string> {
  const out: string[] = [];
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  for (const [n, line] of lines.entries()) {
    if (n >= MAX_LINES) {
      out.push(JSON.stringify({ input: null, error: `more than ${MAX_LINES} lines; not read` }));
      break;
    }
    let input: unknown;
    try {
      input = JSON.parse(line);
    } catch {
      out.push(JSON.stringify({ input: line.slice(0, 200), error: `line ${n + 1} is not JSON` }));
      continue;
    }
    const request = input as Partial<BatchRequest>;
    const numResults = request.numResults ?? 25;
    if (
      typeof request.userId !== "string" || request.userId === "" || request.userId.length > 256 ||
      !Number.isInteger(numResults) || numResults < 1 || numResults > 500
    ) {
      out.push(JSON.stringify({
        input,
        error: `line ${n + 1}: userId is 1-256 characters and numResults an integer 1-500`,
      }));
      continue;
    }
    try {
      out.push(JSON.stringify({
        input,
        output: await recommend({ userId: request.userId, numResults }),
      }));
    } catch (err) {
      out.push(JSON.stringify({ input, error: (err as Error).message }));
    }
  }
  return out.join("\n") + (out.length > 0 ? "\n" : "");
}
