import type { Context } from "hono";
import * as z from "zod";
import { badRequest, invalidRequest, unsupportedMediaType } from "./problem.ts";

/** `application/json`, or a `+json` suffix type such as `application/merge-patch+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** Options of {@link readJson}. */
export interface ReadJsonOptions {
  /**
   * Read a body sent without any `Content-Type` as JSON too (Triton's Python client posts its
   * repository bodies so). A foreign content type is still 415. Default false.
   */
  allowMissingContentType?: boolean;
  /**
   * Whether an empty body (no bytes, or only whitespace) reads as `{}` instead of failing as
   * malformed JSON. Default false.
   */
  emptyAsObject?: boolean;
}

/**
 * Reads the request body as JSON and validates it with a zod schema.
 *
 * Throws (for `problemHandler` to render) a 415 `unsupported_media_type` problem when the
 * content type is not JSON, 400 `malformed_json` when the body does not parse and
 * 400 `invalid_request` listing the issues when it does not match the schema.
 *
 * @example
 * ```ts
 * const Infer = z.object({ model: z.string(), input: z.array(z.number()) });
 * app.post("/v1/infer", async (c) => {
 *   const { model, input } = await readJson(c, Infer);
 *   return c.json({ model, n: input.length });
 * });
 * ```
 */
export async function readJson<S extends z.core.$ZodType>(
  c: Context,
  schema: S,
  { allowMissingContentType = false, emptyAsObject = false }: ReadJsonOptions = {},
): Promise<z.output<S>> {
  const type = c.req.header("content-type");
  if (!(type === undefined && allowMissingContentType) && !JSON_MEDIA_TYPE.test(type ?? "")) {
    throw unsupportedMediaType("unsupported_media_type", "Request body must be application/json");
  }
  let body: unknown;
  try {
    if (emptyAsObject) {
      const text = await c.req.text();
      body = text.trim() === "" ? {} : JSON.parse(text);
    } else {
      body = await c.req.json();
    }
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw badRequest("malformed_json", "Request body is not valid JSON");
    }
    throw err;
  }
  const result = await z.safeParseAsync(schema, body);
  if (!result.success) throw invalidRequest(result.error);
  return result.data;
}
