/**
 * Datasets into and out of the store: bulk CSV import jobs (streamed, row errors with their
 * lines), PutItems / PutUsers, and readers that stream the stored rows back for training.
 * Layout of the stored files: `dataset_files.ts`.
 * @module
 */
export * from "./csv_stream.ts";
export * from "./dataset_files.ts";
export * from "./import_jobs.ts";
export * from "./import_csv.ts";
export * from "./put_records.ts";
export * from "./dataset_reader.ts";
export { committedParts } from "./interaction_parts.ts";
