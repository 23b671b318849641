/**
 * Data source records: one KV record per web crawler data source of an index, holding its
 * configuration (defaults applied by the contract), the last sync started and the job running
 * now, if any (the lock that makes a second sync a 409).
 *
 *   KV  ["search-qa", "data-sources", <index>, <id>]        DataSourceRecord
 * @module
 */
import type { DataSourceConfig, DataSourceInfo } from "@edgeml/shared/contracts/search_crawler";
import { conflict, notFound } from "@edgeml/shared/errors";
import type { KvKey, TenantKvStore, TenantStores } from "@edgeml/shared/store";
import { getIndex } from "../../domain/index_catalog.ts";
import { checkedAttributes } from "../stored_sources.ts";
import { urlScope } from "./url_scope.ts";

export interface DataSourceRecord extends DataSourceInfo {
  /** The sync job holding the lock, if any. */
  runningJobId?: string;
}

export const dataSourceKey = (index: string, id: string): KvKey => [
  "search-qa",
  "data-sources",
  index,
  id,
];

export function dataSourceInfo(record: DataSourceRecord): DataSourceInfo {
  const { runningJobId: _r, ...info } = record;
  return info;
}

/** Checks the patterns and attributes against the index, then stores the new data source. */
export async function createDataSource(
  stores: TenantStores,
  index: string,
  config: DataSourceConfig,
): Promise<DataSourceRecord> {
  const indexRecord = await getIndex(stores.kv, index);
  urlScope({ ...config, roots: [...config.seedUrls, ...config.siteMaps] });
  const now = new Date().toISOString();
  const record: DataSourceRecord = {
    ...config,
    attributes: checkedAttributes(
      indexRecord.attributeSchema,
      config.attributes,
      "data source attributes",
    ),
    id: crypto.randomUUID(),
    index,
    status: "ACTIVE",
    createdAt: now,
    updatedAt: now,
  };
  const key = dataSourceKey(index, record.id);
  const result = await stores.kv.atomic([{ key, versionstamp: null }], [{
    type: "set",
    key,
    value: record,
  }]);
  if (!result.ok) throw conflict("data_source_exists", `data source ${record.id} exists`);
  return record;
}

export async function getDataSource(
  kv: TenantKvStore,
  index: string,
  id: string,
): Promise<DataSourceRecord> {
  const { value } = await kv.get<DataSourceRecord>(dataSourceKey(index, id));
  if (!value) {
    throw notFound("data_source_not_found", `index '${index}' has no data source '${id}'`);
  }
  return value;
}

/** The data sources of one index, or of every index when `index` is left out. */
export async function listDataSources(
  kv: TenantKvStore,
  index?: string,
): Promise<DataSourceRecord[]> {
  const out: DataSourceRecord[] = [];
  const prefix: KvKey = index
    ? ["search-qa", "data-sources", index]
    : ["search-qa", "data-sources"];
  for await (const e of kv.list<DataSourceRecord>(prefix)) out.push(e.value);
  return out;
}
