/**
 * Campaigns, as Personalize keeps them: a campaign serves one ACTIVE solution version with an
 * item exploration config (checked by `exploration/config.ts`: 422 outside its ranges) and is
 * updated in place, to another version or config, without a moment of not serving: edges read
 * the record and switch on their next request.
 *
 *   ["recommendations", "campaigns", name]      CampaignRecord
 *
 * @example
 * ```ts
 * await createCampaign(kv, { name: "home", solution: "shop-recs",
 *   itemExplorationConfig: { explorationWeight: 0.3 } });
 * ```
 */
import { conflict, notFound, unprocessable } from "@edgeml/shared/errors";
import { insertRecord, type KvKey, type TenantKvStore, updateRecord } from "@edgeml/shared/store";
import {
  type ExplorationConfig,
  explorationConfig,
  type ExplorationConfigInput,
} from "../exploration/config.ts";
import {
  getSolution,
  getSolutionVersion,
  latestActiveVersion,
  type SolutionVersionRecord,
} from "./solution_catalog.ts";

export interface CampaignRecord {
  name: string;
  solution: string;
  solutionVersion: number;
  campaignConfig: { itemExplorationConfig: ExplorationConfig };
  status: "ACTIVE";
  createdAt: string;
  updatedAt: string;
}

const campaignKey = (name: string): KvKey => ["recommendations", "campaigns", name];

/** The version a campaign may serve: the one named (it must be ACTIVE) or the latest ACTIVE. */
async function servableVersion(
  kv: TenantKvStore,
  solution: string,
  version?: number,
): Promise<SolutionVersionRecord> {
  await getSolution(kv, solution);
  const record = version === undefined
    ? await latestActiveVersion(kv, solution)
    : await getSolutionVersion(kv, solution, version);
  if (!record) {
    throw unprocessable(
      "no_active_version",
      `solution '${solution}' has no ACTIVE version to serve yet`,
    );
  }
  if (record.status !== "ACTIVE") {
    throw unprocessable(
      "version_not_active",
      `version ${record.version} of '${solution}' is ${record.status}, not ACTIVE`,
    );
  }
  return record;
}

export async function createCampaign(
  kv: TenantKvStore,
  request: {
    name: string;
    solution: string;
    solutionVersion?: number;
    itemExplorationConfig?: ExplorationConfigInput;
  },
  now = new Date(),
): Promise<CampaignRecord> {
  const config = explorationConfig(request.itemExplorationConfig);
  const version = await servableVersion(kv, request.solution, request.solutionVersion);
  const record: CampaignRecord = {
    name: request.name,
    solution: request.solution,
    solutionVersion: version.version,
    campaignConfig: { itemExplorationConfig: config },
    status: "ACTIVE",
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await insertRecord(
    kv,
    campaignKey(request.name),
    record,
    () => conflict("campaign_exists", `a campaign named '${request.name}' exists`),
  );
  return record;
}

export async function getCampaign(kv: TenantKvStore, name: string): Promise<CampaignRecord> {
  const { value } = await kv.get<CampaignRecord>(campaignKey(name));
  if (!value) throw notFound("campaign_not_found", `there is no campaign '${name}'`);
  return value;
}

/** Moves the campaign to another version and/or exploration config, in place. */
export async function updateCampaign(
  kv: TenantKvStore,
  name: string,
  change: { solutionVersion?: number; itemExplorationConfig?: ExplorationConfigInput },
  now = new Date(),
): Promise<CampaignRecord> {
  const current = await getCampaign(kv, name);
  const config = change.itemExplorationConfig
    ? explorationConfig({
      ...current.campaignConfig.itemExplorationConfig,
      ...change.itemExplorationConfig,
    })
    : current.campaignConfig.itemExplorationConfig;
  const version = change.solutionVersion === undefined
    ? current.solutionVersion
    : (await servableVersion(kv, current.solution, change.solutionVersion)).version;
  return await updateRecord(
    kv,
    campaignKey(name),
    (r: CampaignRecord) => ({
      ...r,
      solutionVersion: version,
      campaignConfig: { itemExplorationConfig: config },
      updatedAt: now.toISOString(),
    }),
    {
      missing: () => notFound("campaign_not_found", `there is no campaign '${name}'`),
      busy: () => conflict("campaign_busy", `campaign '${name}' kept changing; retry`),
    },
  );
}

/** Every campaign, by name. */
export async function listCampaigns(kv: TenantKvStore): Promise<CampaignRecord[]> {
  const found: CampaignRecord[] = [];
  for await (const { value } of kv.list<CampaignRecord>(["recommendations", "campaigns"])) {
    found.push(value);
  }
  return found;
}
