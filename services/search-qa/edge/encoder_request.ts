/**
 * An encoder upload as sent: a multipart form with the ONNX file as `model`, the Hugging Face
 * `tokenizer.json` as `tokenizer`, and optional `pooling` (mean | cls), `maxTokens` (1–8192)
 * and `output` fields. The body is read within the upload limit before it is parsed.
 */
import { badRequest, readBodyLimited, unsupportedMediaType } from "@edgeml/shared/http";
import type { EncoderUpload } from "../domain/dense_encoder.ts";

export async function encoderRequest(req: Request, maxBytes: number): Promise<EncoderUpload> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw unsupportedMediaType(
      "unsupported_encoder_upload",
      "an encoder is uploaded as multipart/form-data with 'model' and 'tokenizer' files",
    );
  }
  const body = await readBodyLimited(req, maxBytes);
  let form: FormData;
  try {
    form = await new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": type },
    }).formData();
  } catch {
    throw badRequest("invalid_form", "the multipart body cannot be parsed");
  }
  const file = async (name: string) => {
    const part = form.get(name);
    if (!(part instanceof Blob)) {
      throw badRequest("missing_encoder_part", `the form has no '${name}' file`);
    }
    return new Uint8Array(await part.arrayBuffer());
  };
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const pooling = text("pooling");
  if (pooling !== undefined && pooling !== "mean" && pooling !== "cls") {
    throw badRequest("invalid_pooling", `pooling is 'mean' or 'cls', not '${pooling}'`);
  }
  const maxTokensText = text("maxTokens");
  const maxTokens = maxTokensText === undefined ? undefined : Number(maxTokensText);
  if (
    maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1 && maxTokens <= 8192)
  ) {
    throw badRequest("invalid_max_tokens", `maxTokens is an integer from 1 to 8192`);
  }
  return {
    model: await file("model"),
    tokenizer: await file("tokenizer"),
    ...(pooling ? { pooling } : {}),
    ...(maxTokens ? { maxTokens } : {}),
    ...(text("output") ? { output: text("output") } : {}),
  };
}
