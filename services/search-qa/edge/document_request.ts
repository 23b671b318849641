/**
 * What a document upload says about itself: its content type (HTML, PDF, text, CSV, from the
 * Content-Type header) and its attributes (JSON in the `Edgeml-Document-Attributes` header).
 */
import { badRequest, unsupportedMediaType } from "@edgeml/shared/http";

const TYPES: Record<string, "HTML" | "PDF" | "PLAIN_TEXT" | "CSV"> = {
  "text/html": "HTML",
  "application/xhtml+xml": "HTML",
  "application/pdf": "PDF",
  "text/plain": "PLAIN_TEXT",
  "text/markdown": "PLAIN_TEXT",
  "text/csv": "CSV",
};

export function documentRequest(req: Request) {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const contentType = TYPES[type];
  if (!contentType) {
    throw unsupportedMediaType(
      "unsupported_document_type",
      `documents are text/html, application/pdf, text/plain or text/csv; got '${type || "none"}'`,
    );
  }
  const header = req.headers.get("edgeml-document-attributes");
  let attributes: Record<string, unknown> = {};
  if (header) {
    try {
      attributes = JSON.parse(header);
    } catch {
      throw badRequest("invalid_attributes", "Edgeml-Document-Attributes is not valid JSON");
    }
    if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
      throw badRequest("invalid_attributes", "Edgeml-Document-Attributes must be a JSON object");
    }
  }
  return { contentType, attributes };
}
