/**
 * The query service cuts `scoreConfidence` with the version's calibration file when it has one
 * and the fixed thresholds otherwise.
 */
import assert from "node:assert/strict";
import { putFaq } from "../control/stored_sources.ts";
import { withStores } from "@edgeml/shared/testing";
import { FIXED_THRESHOLDS } from "./confidence.ts";
import { createFeedbackPriors } from "./feedback.ts";
import { calibrationPath, createIndexRecord, getIndex } from "./index_catalog.ts";
import { createQueryService } from "./query_service.ts";

const FAQ = `When is the pool open?,From 7 to 21 every day.
Where do I register a dog?,At the animal office.
`;
const request = { queryText: "pool open", pageSize: 10, pageNumber: 1 };

Deno.test("query: scoreConfidence follows the version's calibrated thresholds", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    await putFaq(stores, "town", "basic", FAQ, "CSV");
    const { version } = await getIndex(stores.kv, "town");
    const path = calibrationPath("town", version);
    const written = JSON.parse(new TextDecoder().decode((await stores.artifacts.get(path))!));
    assert.deepEqual(written.thresholds, FIXED_THRESHOLDS); // 8 pseudo-queries: too few to fit
    const fixed = createQueryService({ stores, priors: createFeedbackPriors(stores.kv) });
    // Full coverage and a clear lead: c = 1.
    const [top] = (await fixed.query("town", request)).resultItems;
    assert.equal(top.scoreAttributes.scoreConfidence, "VERY_HIGH");

    const thresholds = { VERY_HIGH: null, HIGH: 1, MEDIUM: 0.5 };
    await stores.artifacts.put(
      path,
      new TextEncoder().encode(JSON.stringify({ ...written, thresholds })),
    );
    const calibrated = createQueryService({ stores, priors: createFeedbackPriors(stores.kv) });
    const [again] = (await calibrated.query("town", request)).resultItems;
    assert.equal(again.scoreAttributes.scoreConfidence, "HIGH");

    await stores.artifacts.delete(path);
    const without = createQueryService({ stores, priors: createFeedbackPriors(stores.kv) });
    const [last] = (await without.query("town", request)).resultItems;
    assert.equal(last.scoreAttributes.scoreConfidence, "VERY_HIGH");
  });
});
