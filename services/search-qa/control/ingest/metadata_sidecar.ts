/**
 * A Kendra-style document metadata sidecar (`<document>.metadata.json`):
 * `{ "DocumentId", "Title", "ContentType", "Attributes": { "_source_uri", "_category",
 * "city", … } }`. Kendra's reserved attributes have their fixed types (`_authors` a string
 * list, `_created_at` a date, `_view_count` a number, …); custom ones take the JSON value's
 * shape unless `attributeTypes` declares one. An access control list is refused rather than
 * dropped, so a restricted document is never indexed as public. Any other problem is an
 * `invalid_metadata` error naming the field.
 * @module
 */
import { invalid } from "@edgeml/shared/errors";
import { type AttributeType, type AttributeValue, coerceJson } from "./attribute_values.ts";

/** Kendra's `ContentType` values this service can read. */
export type DocumentContentType = "HTML" | "PDF" | "PLAIN_TEXT" | "CSV" | "MD";

const CONTENT_TYPES: readonly DocumentContentType[] = ["HTML", "PDF", "PLAIN_TEXT", "CSV", "MD"];

/** Kendra's reserved document attributes and their types. */
export const RESERVED_ATTRIBUTE_TYPES: Readonly<Record<string, AttributeType>> = {
  _authors: "STRING_LIST",
  _category: "STRING",
  _created_at: "DATE",
  _data_source_id: "STRING",
  _document_title: "STRING",
  _file_type: "STRING",
  _language_code: "STRING",
  _last_updated_at: "DATE",
  _source_uri: "STRING",
  _version: "STRING",
  _view_count: "LONG",
};

/** A validated sidecar. */
export interface DocumentMetadata {
  documentId?: string;
  title?: string;
  contentType?: DocumentContentType;
  attributes: Record<string, AttributeValue>;
}

/** Options of {@link parseMetadataSidecar}. */
export interface MetadataSidecarOptions {
  /** Declared types of custom attributes. */
  attributeTypes?: Record<string, AttributeType>;
  /** The longest string value, in characters (default 2048, Kendra's). */
  maxValueChars?: number;
}

const KNOWN = new Set(["DocumentId", "Title", "ContentType", "Attributes"]);

function bad(field: string, problem: string) {
  return invalid("invalid_metadata", `${field}: ${problem}`, { extra: { field } });
}

function optionalString(value: unknown, field: string, maxChars: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw bad(field, "must be a non-empty string");
  }
  if (value.length > maxChars) throw bad(field, `is over ${maxChars} characters`);
  return value.trim();
}

/**
 * Validates a sidecar, given as its JSON text or already parsed.
 *
 * @example
 * ```ts
 * parseMetadataSidecar('{"Title": "Library hours", "Attributes": {"city": "Springfield"}}');
 * // { title: "Library hours", attributes: { city: "Springfield" } }
 * ```
 */
export function parseMetadataSidecar(
  sidecar: string | unknown,
  { attributeTypes = {}, maxValueChars = 2048 }: MetadataSidecarOptions = {},
): DocumentMetadata {
  let json = sidecar;
  if (typeof sidecar === "string") {
    try {
      json = JSON.parse(sidecar.replace(/^\ufeff/, ""));
    } catch {
      throw invalid("invalid_metadata", "the metadata is not valid JSON", { extra: {} });
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalid("invalid_metadata", "the metadata is not a JSON object", { extra: {} });
  }
  const fields = json as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (field === "AccessControlList" || field === "HierarchicalAccessControlList") {
      throw bad(field, "access control lists are not supported");
    }
    if (!KNOWN.has(field)) throw bad(field, "is not a metadata field");
  }
  const metadata: DocumentMetadata = { attributes: {} };
  const documentId = optionalString(fields.DocumentId, "DocumentId", maxValueChars);
  const title = optionalString(fields.Title, "Title", maxValueChars);
  const contentType = optionalString(fields.ContentType, "ContentType", maxValueChars);
  if (documentId !== undefined) metadata.documentId = documentId;
  if (title !== undefined) metadata.title = title;
  if (contentType !== undefined) {
    if (!CONTENT_TYPES.includes(contentType as DocumentContentType)) {
      throw bad("ContentType", `"${contentType}" is not one of ${CONTENT_TYPES.join(", ")}`);
    }
    metadata.contentType = contentType as DocumentContentType;
  }
  const attributes = fields.Attributes ?? {};
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
    throw bad("Attributes", "must be an object");
  }
  for (const [name, value] of Object.entries(attributes)) {
    const field = `Attributes.${name}`;
    if (name.trim() === "") throw bad(field, "an attribute needs a name");
    if (name.startsWith("_") && !(name in RESERVED_ATTRIBUTE_TYPES)) {
      throw bad(field, "is not a reserved attribute (names starting with _ are reserved)");
    }
    const coerced = coerceJson(value, RESERVED_ATTRIBUTE_TYPES[name] ?? attributeTypes[name]);
    if ("problem" in coerced) throw bad(field, coerced.problem);
    const strings = [coerced.value].flat().filter((item) => typeof item === "string");
    if (strings.some((item) => item.length > maxValueChars)) {
      throw bad(field, `a value is over ${maxValueChars} characters`);
    }
    if (name === "_source_uri" && !URL.canParse(coerced.value as string)) {
      throw bad(field, "is not an absolute URL");
    }
    metadata.attributes[name] = coerced.value;
  }
  return metadata;
}
