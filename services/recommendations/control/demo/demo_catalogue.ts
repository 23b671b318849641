/**
 * The embedded default's demo recommendations, written for this project: a town library's
 * loans. 120 books in six genres (title words and genres as metadata, the last 12 arrived in the
 * final week), 60 readers with a favourite genre and 40 loans each over two months; seeded
 * (`mulberry32`), so every first start makes the same data. Imported through the same control
 * functions the API calls, a FULL version trained, and a campaign `library-home` with the
 * default exploration, so the README's curl answers right after start.
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import { createCampaign, getCampaign } from "../../domain/campaigns/campaign_catalog.ts";
import {
  createSolution,
  getSolution,
  latestActiveVersion,
} from "../../domain/campaigns/solution_catalog.ts";
import {
  createDataset,
  createDatasetGroup,
  getDataset,
  getDatasetGroup,
} from "../../domain/dataset/catalog.ts";
import { importCsv } from "../import/import_csv.ts";
import { startSolutionVersion } from "../training/solution_versions.ts";

export const DEMO_DATASET_GROUP = "library";
export const DEMO_CAMPAIGN = "library-home";
const SOLUTION = "library-recs";
const GENRES = ["mystery", "history", "science", "poetry", "travel", "cooking"];
const WORDS = ["river", "garden", "winter", "harbour", "lantern", "mountain", "letters", "market"];
const DAY = 86_400;
const START = 1_760_000_000; // October 2025

const ITEMS_SCHEMA = {
  type: "record",
  name: "Items",
  namespace: "com.amazonaws.personalize.schema",
  fields: [
    { name: "ITEM_ID", type: "string" },
    { name: "GENRES", type: "string", categorical: true },
    { name: "TITLE", type: "string", textual: true },
    { name: "CREATION_TIMESTAMP", type: "long" },
  ],
  version: "1.0",
};

function demoCsv() {
  const random = mulberry32(2025);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const books = Array.from({ length: 120 }, (_, i) => ({
    id: `book-${i + 1}`,
    genre: GENRES[i % GENRES.length],
    title: `The ${pick(WORDS)} of ${pick(WORDS)}`,
    created: i >= 108 ? START + 55 * DAY + (i - 108) * 3600 : START - 365 * DAY,
  }));
  const items = ["ITEM_ID,GENRES,TITLE,CREATION_TIMESTAMP"].concat(
    books.map((b) => `${b.id},${b.genre},${b.title},${b.created}`),
  );
  const loans = ["USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE"];
  const older = books.slice(0, 108);
  for (let r = 0; r < 60; r++) {
    const favourite = GENRES[r % GENRES.length];
    const liked = older.filter((b) => b.genre === favourite);
    for (let k = 0; k < 40; k++) {
      const book = random() < 0.75 ? pick(liked) : pick(older);
      loans.push(`reader-${r + 1},${book.id},${START + Math.floor((k * 55 * DAY) / 40) + r},loan`);
    }
  }
  return { items: items.join("\n"), interactions: loans.join("\n") };
}

/**
 * Seeds the demo unless its campaign exists; resolves once it serves. Each step is skipped when
 * done already, so a first start stopped half-way finishes the seeding on the next.
 */
export async function seedDemoRecommendations(stores: TenantStores): Promise<boolean> {
  const { kv } = stores;
  if (await getCampaign(kv, DEMO_CAMPAIGN).then(() => true, () => false)) return false;
  const { items, interactions } = demoCsv();
  if (!(await getDatasetGroup(kv, DEMO_DATASET_GROUP).then(() => true, () => false))) {
    await createDatasetGroup(kv, DEMO_DATASET_GROUP);
  }
  for (
    const [type, schema, csv] of [
      ["ITEMS", ITEMS_SCHEMA, items],
      ["INTERACTIONS", undefined, interactions],
    ] as const
  ) {
    const dataset = await getDataset(kv, DEMO_DATASET_GROUP, type)
      .catch(() => createDataset(kv, DEMO_DATASET_GROUP, type, schema));
    if (dataset.rows === 0) {
      await importCsv(stores, DEMO_DATASET_GROUP, type, new Blob([csv]).stream());
    }
  }
  if (!(await getSolution(kv, SOLUTION).then(() => true, () => false))) {
    await createSolution(kv, { name: SOLUTION, datasetGroup: DEMO_DATASET_GROUP });
  }
  if (!(await latestActiveVersion(kv, SOLUTION))) {
    const trained = await (await startSolutionVersion(stores, SOLUTION, "FULL")).done;
    if (trained.status !== "ACTIVE") {
      throw new Error(`the demo solution did not train: ${trained.failureReason}`);
    }
  }
  await createCampaign(kv, { name: DEMO_CAMPAIGN, solution: SOLUTION });
  return true;
}
