/**
 * Datasets in Amazon Personalize's own formats: Avro JSON schemas checked with Personalize's
 * rules (or inferred from a CSV header), CSV cells and PutItems/PutUsers properties turned into
 * typed rows, typed views for training, items' creation times, and the KV catalog of dataset
 * groups and datasets.
 * @module
 */
export * from "./schema.ts";
export * from "./infer_schema.ts";
export * from "./cells.ts";
export * from "./rows.ts";
export * from "./properties.ts";
export * from "./entities.ts";
export * from "./creation_times.ts";
export * from "./catalog.ts";
