/**
 * A trained solution version in the artifact store, readable with `ls` (Triton's habit):
 *
 *   recommendations/solutions/<solution>/<version>/model.json    config, sizes, ids, times
 *   recommendations/solutions/<solution>/<version>/tables.bin    float32 tables, int32 tokens
 *   recommendations/solutions/<solution>/<version>/scorer.onnx   user vector → top-K items
 *
 * `tables.bin` holds the parameter tables in `PARAMETER_TABLES` order, then the item and user
 * token lists (offsets, tokens), each user's last `historyLength` items (offsets, items: what
 * the user tower reads at serving) and each item's interaction count (popularity), little-endian,
 * lengths in `model.json`. Everything a campaign
 * needs to serve and an UPDATE needs to continue comes back from these files.
 *
 * @example
 * ```ts
 * await saveTrainedVersion(stores, "shop-recs", 1, { model, assembled, k: 500 });
 * const { model, itemIds } = await loadTrainedVersion(stores, "shop-recs", 1);
 * ```
 */
import { failed } from "@edgeml/shared/errors";
import { encodeModel } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import { buildScorerModel } from "../model/onnx_scorer.ts";
import { itemVectors, PARAMETER_TABLES, type TwoTowerModel } from "../model/two_tower.ts";
import { groupByUser } from "../model/sequences.ts";
import type { CtrCalibration } from "../exploration/ctr_calibration.ts";
import type { ServingVersion, VersionCatalogue } from "./recommend_for_user.ts";
import type { TrainingData } from "../model/types.ts";
/** The assembled data a version was trained on, as far as saving it needs. */
export interface TrainedOn extends VersionCatalogue {
  data: TrainingData;
}

export const versionFolder = (solution: string, version: number) =>
  `recommendations/solutions/${solution}/${version}`;
export const scorerPath = (solution: string, version: number) =>
  `${versionFolder(solution, version)}/scorer.onnx`;

interface ModelHeader {
  format: "edgeml-recs-two-tower-1";
  config: { dim: number; halfLife: number; historyLength: number };
  numItems: number;
  numItemTokens: number;
  numUserTokens: number;
  tables: Record<string, number>;
  itemTokens: { offsets: number; tokens: number };
  userTokens: { offsets: number; tokens: number };
  histories: { offsets: number; items: number };
  userIds: string[];
  itemIds: string[];
  creationTimes: number[];
  latestTimestamp: number;
  itemCategorical: Record<string, string[]>[];
  categoricalFields: string[];
  /** Rows kept by the ONNX scorer's TopK. */
  scorerK: number;
  /** Relevance → CTR (Platt), fitted at training (`score_calibration.ts`). */
  calibration?: CtrCalibration;
}

/** What serving reads (`recommend_for_user.ts`), and the scorer's K. */
export interface TrainedVersion extends ServingVersion {
  scorerK: number;
}

export async function saveTrainedVersion(
  stores: TenantStores,
  solution: string,
  version: number,
  { model, assembled, k, calibration }: {
    model: TwoTowerModel;
    assembled: TrainedOn;
    k: number;
    calibration?: CtrCalibration;
  },
): Promise<string> {
  const folder = versionFolder(solution, version);
  const { userTokens, interactions, numUsers, numItems } = assembled.data;
  const histories = recentHistories(groupByUser(interactions, numUsers), model.historyLength);
  const popularity = new Float32Array(numItems);
  for (const i of interactions.item) popularity[i]++;
  const arrays: (Float32Array | Int32Array)[] = [
    ...PARAMETER_TABLES.map((t) => model[t]),
    model.itemTokens.offsets,
    model.itemTokens.tokens,
    userTokens.offsets,
    userTokens.tokens,
    histories.offsets,
    histories.items,
    popularity,
  ];
  const bytes = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  const header: ModelHeader = {
    format: "edgeml-recs-two-tower-1",
    config: { dim: model.dim, halfLife: model.halfLife, historyLength: model.historyLength },
    numItems: model.numItems,
    numItemTokens: model.numItemTokens,
    numUserTokens: model.numUserTokens,
    tables: Object.fromEntries(PARAMETER_TABLES.map((t) => [t, model[t].length])),
    itemTokens: {
      offsets: model.itemTokens.offsets.length,
      tokens: model.itemTokens.tokens.length,
    },
    userTokens: { offsets: userTokens.offsets.length, tokens: userTokens.tokens.length },
    histories: { offsets: histories.offsets.length, items: histories.items.length },
    userIds: assembled.userIds,
    itemIds: assembled.itemIds,
    creationTimes: [...assembled.creationTimes],
    latestTimestamp: assembled.latestTimestamp,
    itemCategorical: assembled.itemCategorical,
    categoricalFields: assembled.categoricalFields,
    scorerK: Math.min(k, model.numItems),
    ...(calibration ? { calibration } : {}),
  };
  await stores.artifacts.put(`${folder}/tables.bin`, bytes);
  await stores.artifacts.put(
    `${folder}/model.json`,
    new TextEncoder().encode(JSON.stringify(header)),
  );
  await stores.artifacts.put(
    scorerPath(solution, version),
    encodeModel(buildScorerModel(itemVectors(model), model.dim + 1, { k: header.scorerK })),
  );
  return folder;
}

export async function loadTrainedVersion(
  stores: TenantStores,
  solution: string,
  version: number,
): Promise<TrainedVersion> {
  const folder = versionFolder(solution, version);
  const headerBytes = await stores.artifacts.get(`${folder}/model.json`);
  const bytes = await stores.artifacts.get(`${folder}/tables.bin`);
  if (!headerBytes || !bytes) {
    throw failed("model_missing", `the model of ${solution} version ${version} is missing`);
  }
  const header = JSON.parse(new TextDecoder().decode(headerBytes)) as ModelHeader;
  const buffer = bytes.slice().buffer; // aligned copy
  let at = 0;
  const floats = (n: number) => {
    const a = new Float32Array(buffer, at, n);
    at += n * 4;
    return a;
  };
  const ints = (n: number) => {
    const a = new Int32Array(buffer, at, n);
    at += n * 4;
    return a;
  };
  const tables = Object.fromEntries(
    PARAMETER_TABLES.map((t) => [t, floats(header.tables[t])]),
  ) as Record<(typeof PARAMETER_TABLES)[number], Float32Array>;
  const itemTokens = {
    offsets: ints(header.itemTokens.offsets),
    tokens: ints(header.itemTokens.tokens),
  };
  const userTokens = {
    offsets: ints(header.userTokens.offsets),
    tokens: ints(header.userTokens.tokens),
  };
  const histories = {
    offsets: ints(header.histories.offsets),
    items: ints(header.histories.items),
  };
  const popularity = floats(header.numItems);
  if (at !== buffer.byteLength) {
    throw failed("model_corrupt", `${folder}/tables.bin does not match its model.json`);
  }
  return {
    model: {
      ...header.config,
      numItems: header.numItems,
      numItemTokens: header.numItemTokens,
      numUserTokens: header.numUserTokens,
      itemTokens,
      ...tables,
    },
    userTokens,
    histories,
    popularity,
    userIds: header.userIds,
    itemIds: header.itemIds,
    creationTimes: Float64Array.from(header.creationTimes),
    latestTimestamp: header.latestTimestamp,
    itemCategorical: header.itemCategorical ?? header.itemIds.map(() => ({})),
    categoricalFields: header.categoricalFields ?? [],
    scorerK: header.scorerK,
    ...(header.calibration ? { calibration: header.calibration } : {}),
  };
}

/** Each user's last `length` items, oldest first (CSR). */
function recentHistories(
  sequences: { offsets: Int32Array; items: Int32Array },
  length: number,
): { offsets: Int32Array; items: Int32Array } {
  const users = sequences.offsets.length - 1;
  const offsets = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    offsets[u + 1] = offsets[u] +
      Math.min(length, sequences.offsets[u + 1] - sequences.offsets[u]);
  }
  const items = new Int32Array(offsets[users]);
  for (let u = 0; u < users; u++) {
    const n = offsets[u + 1] - offsets[u];
    items.set(
      sequences.items.subarray(sequences.offsets[u + 1] - n, sequences.offsets[u + 1]),
      offsets[u],
    );
  }
  return { offsets, items };
}
