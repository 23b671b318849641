/**
 * The embedded default's demo search index, `city`: a two-city FAQ (Springfield, Riverton) and
 * two documents, written for this project (`control/demo/`), ingested through the same control
 * functions the API calls, so the README's question with a city filter answers right after start.
 */
import type { TenantStores } from "@edgeml/shared/store";
import { createIndexRecord, getIndex } from "../domain/index_catalog.ts";
import { putDocument, putFaq } from "./stored_sources.ts";

export const DEMO_SEARCH_INDEX = "city";
const demo = (file: string) => new URL(`./demo/${file}`, import.meta.url);

/** Creates and fills `city` unless it exists; returns whether it seeded. */
export async function seedDemoSearchIndex(stores: TenantStores): Promise<boolean> {
  const exists = await getIndex(stores.kv, DEMO_SEARCH_INDEX).then(() => true, () => false);
  if (exists) return false;
  await createIndexRecord(stores.kv, {
    name: DEMO_SEARCH_INDEX,
    description: "City services FAQ and documents (demo)",
    attributeSchema: {},
    synonyms: "covid, covid-19, coronavirus\ntrash, garbage, waste, rubbish\nopen, opening hours",
  });
  await putFaq(
    stores,
    DEMO_SEARCH_INDEX,
    "city-faq",
    await Deno.readTextFile(demo("city_faq.csv")),
    "CSV_WITH_HEADER",
  );
  await putDocument(
    stores,
    DEMO_SEARCH_INDEX,
    "springfield-library",
    await Deno.readFile(demo("springfield_library.html")),
    "HTML",
    {
      city: "Springfield",
      _source_uri: "https://springfield.example.gov/library",
      _category: "library",
    },
  );
  await putDocument(
    stores,
    DEMO_SEARCH_INDEX,
    "riverton-waste",
    await Deno.readFile(demo("riverton_waste.txt")),
    "PLAIN_TEXT",
    { city: "Riverton", _source_uri: "https://riverton.example.gov/waste", _category: "waste" },
  );
  return true;
}
