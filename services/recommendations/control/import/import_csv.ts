/**
 * A bulk import job: a CSV byte stream into a dataset of a dataset group, read as it arrives.
 * The header binds to the dataset's schema (or, for a dataset created without one, gives it:
 * `infer_schema.ts`); each row then becomes a typed row or a row error with its line. A bad row
 * is counted and reported and never stops the rest; the first {@link ERRORS_KEPT} errors are
 * kept (the job record holds the first {@link ERRORS_IN_RECORD}, the job's `errors.jsonl` all
 * kept), every one is counted in `rowsFailed`. Only a file the schema cannot read at all (a
 * header naming unknown columns or lacking required ones, no header, a broken upload) fails the
 * job, and then the dataset is left as it was.
 *
 * Progress is saved about once a second: rows imported and failed, and the fraction of bytes
 * read when `totalBytes` is given.
 *
 * @example
 * ```ts
 * const file = await Deno.open("interactions.csv");
 * const job = await importCsv(stores, "movies", "INTERACTIONS", file.readable, {
 *   totalBytes: (await Deno.stat("interactions.csv")).size,
 * });
 * job.status; // "ACTIVE"; job.rowsImported, job.rowsFailed, job.errors[0]?.line
 * ```
 * @module
 */
import { DomainError, redactPaths } from "@edgeml/shared/errors";
import type { TenantStores } from "@edgeml/shared/store";
import {
  adoptSchema,
  bindHeader,
  datasetSchema,
  type DatasetType,
  getDataset,
  type HeaderBinding,
  inferSchema,
  parseRow,
} from "../../domain/dataset/mod.ts";
import { streamCsvRecords } from "./csv_stream.ts";
import { errorReportPath, jsonLinesBytes, schemaPath } from "./dataset_files.ts";
import { datasetSink } from "./dataset_sinks.ts";
import {
  createImportJob,
  ERRORS_IN_RECORD,
  ERRORS_KEPT,
  type ImportJobRecord,
  type ImportRowError,
  saveImportJob,
} from "./import_jobs.ts";

export interface ImportOptions {
  /** The body's size in bytes, when known: progress is then the fraction read. */
  totalBytes?: number;
  /** Rows per interactions part (default 100,000). */
  partRows?: number;
  /** Least time between progress saves, in ms (default 1000). */
  progressEveryMs?: number;
}

const MAX_MESSAGE = 500;
const encoder = new TextEncoder();

async function bind(
  stores: TenantStores,
  job: ImportJobRecord,
  header: string[],
): Promise<HeaderBinding> {
  const record = await getDataset(stores.kv, job.datasetGroup, job.datasetType);
  const schema = datasetSchema(record) ??
    await adoptSchema(stores.kv, job.datasetGroup, inferSchema(job.datasetType, header));
  return bindHeader(schema, header);
}

/** Runs a PENDING job to ACTIVE or FAILED, reading `body` to its end; returns the final record. */
export async function runImportJob(
  stores: TenantStores,
  pending: ImportJobRecord,
  body: ReadableStream<Uint8Array>,
  { totalBytes, partRows, progressEveryMs = 1000 }: ImportOptions = {},
): Promise<ImportJobRecord> {
  const { datasetGroup: group, datasetType: type, jobId } = pending;
  const job: ImportJobRecord = {
    ...pending,
    status: "IN_PROGRESS",
    progress: { fraction: 0, stage: "READING" },
  };
  await saveImportJob(stores.kv, job);
  const kept: ImportRowError[] = [];
  const fail = (line: number, message: string, column?: string) => {
    job.rowsFailed++;
    if (kept.length < ERRORS_KEPT) {
      kept.push({ line, ...(column ? { column } : {}), message: message.slice(0, MAX_MESSAGE) });
    }
  };
  const sink = datasetSink(stores, group, type, jobId, { partRows });
  let bytes = 0;
  let lastSave = Date.now();
  try {
    let binding: HeaderBinding | undefined;
    for await (const batch of streamCsvRecords(body, { onBytes: (n) => bytes = n })) {
      for (const record of batch) {
        if ("problem" in record) {
          if (!binding) {
            throw new DomainError(
              "unprocessable",
              "invalid_csv_header",
              `line ${record.line}: the header row is not valid CSV: ${record.problem}`,
            );
          }
          fail(record.line, record.problem);
        } else if (!binding) {
          binding = await bind(stores, job, record.fields);
        } else {
          const result = parseRow(binding, record.fields);
          if ("error" in result) fail(record.line, result.error.message, result.error.column);
          else {
            sink.add(result.row);
            job.rowsImported++;
          }
        }
      }
      await sink.flush();
      if (Date.now() - lastSave >= progressEveryMs) {
        lastSave = Date.now();
        const fraction = totalBytes ? Math.min(0.99, bytes / totalBytes) : 0;
        job.progress = { fraction, stage: "READING" };
        job.errors = kept.slice(0, ERRORS_IN_RECORD);
        await saveImportJob(stores.kv, job);
      }
    }
    if (!binding) {
      throw new DomainError(
        "unprocessable",
        "empty_csv",
        "the file has no header row (a first line naming the columns)",
      );
    }
    job.progress = { fraction: 0.99, stage: "STORING" };
    await saveImportJob(stores.kv, { ...job, errors: kept.slice(0, ERRORS_IN_RECORD) });
    await sink.commit();
    await stores.artifacts.put(
      schemaPath(group, type),
      encoder.encode(`${JSON.stringify(binding.schema.avro, null, 2)}\n`),
    );
    job.status = "ACTIVE";
    job.progress = { fraction: 1, stage: "ACTIVE" };
  } catch (error) {
    await sink.abort().catch(() => undefined);
    job.status = "FAILED";
    job.progress = { ...job.progress, stage: "FAILED" };
    job.failureReason = error instanceof DomainError
      ? error.detail
      : `the import broke off: ${redactPaths(String((error as Error)?.message ?? error))}`;
  }
  job.errors = kept.slice(0, ERRORS_IN_RECORD);
  if (kept.length > 0) {
    job.errorReport = errorReportPath(group, jobId);
    await stores.artifacts.put(job.errorReport, jsonLinesBytes(kept.map((e) => JSON.stringify(e))));
  }
  job.endedAt = new Date().toISOString();
  await saveImportJob(stores.kv, job);
  return job;
}

/** Creates an import job for the group's dataset of `type` and runs it on `body`. */
export async function importCsv(
  stores: TenantStores,
  group: string,
  type: DatasetType,
  body: ReadableStream<Uint8Array>,
  options: ImportOptions = {},
): Promise<ImportJobRecord> {
  return await runImportJob(stores, await createImportJob(stores.kv, group, type), body, options);
}
