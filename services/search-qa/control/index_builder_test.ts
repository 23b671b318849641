/**
 * Index builds against a real store: each build is the next version, its snapshot and question
 * list (and confidence calibration) are written before the record names it, and only the
 * current and the previous version's files are kept.
 */
import assert from "node:assert/strict";
import type { ConfidenceCalibration } from "../domain/confidence_calibration.ts";
import { calibrationPath, createIndexRecord, getIndex } from "../domain/index_catalog.ts";
import { withStores } from "@edgeml/shared/testing";
import { rebuildIndex } from "./index_builder.ts";
import { putFaq } from "./stored_sources.ts";

const FAQ = `When is the pool open?,From 7 to 21 every day.
When is the pool open?,In summer from 9 to 18.
Where do I register a dog?,At the animal office.
`;

Deno.test("rebuildIndex: versions count up and snapshots older than one version back are deleted", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    await putFaq(stores, "town", "basic", FAQ, "CSV"); // version 1
    await rebuildIndex(stores, "town"); // version 2
    const record = await rebuildIndex(stores, "town"); // version 3
    assert.deepEqual([record.version, record.faqs, record.items], [3, 1, 3]);
    assert.deepEqual(await getIndex(stores.kv, "town"), record);

    const files: string[] = [];
    for await (const { path } of stores.artifacts.list("search-qa/town/snapshots/")) {
      files.push(path);
    }
    assert.deepEqual(files.toSorted(), [
      "search-qa/town/snapshots/00000002.bin",
      "search-qa/town/snapshots/00000002.calibration.json",
      "search-qa/town/snapshots/00000002.questions.json",
      "search-qa/town/snapshots/00000003.bin",
      "search-qa/town/snapshots/00000003.calibration.json",
      "search-qa/town/snapshots/00000003.questions.json",
    ]);
    const questions = await stores.artifacts.get(
      "search-qa/town/snapshots/00000003.questions.json",
    );
    assert.deepEqual(JSON.parse(new TextDecoder().decode(questions!)), [
      "When is the pool open?",
      "Where do I register a dog?",
    ]);
  });
});

Deno.test("rebuildIndex: concurrent builds of one index each get their own version", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    const built = await Promise.all(Array.from({ length: 4 }, () => rebuildIndex(stores, "town")));
    assert.deepEqual(built.map((r) => r.version).toSorted(), [1, 2, 3, 4]);
    assert.equal((await getIndex(stores.kv, "town")).version, 4);
  });
});

Deno.test("rebuildIndex: the built version has a calibration file with monotone thresholds", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "city", attributeSchema: {} });
    const csv = Array.from(
      { length: 12 },
      (_, n) =>
        `How do I apply for permit ${n} at office ${n}?,Permit ${n} is issued at desk ${n}.`,
    ).join("\n");
    await putFaq(stores, "city", "permits", csv, "CSV");
    const { version } = await getIndex(stores.kv, "city");
    const bytes = await stores.artifacts.get(calibrationPath("city", version));
    const calibration = JSON.parse(new TextDecoder().decode(bytes!)) as ConfidenceCalibration;
    assert.equal(calibration.version, version);
    assert.equal(calibration.fitted, true); // 12 FAQs give 48 pseudo-queries
    const { VERY_HIGH, HIGH, MEDIUM } = calibration.thresholds; // null: never awarded
    const [veryHigh, high, medium] = [VERY_HIGH, HIGH, MEDIUM].map((t) => t ?? Infinity);
    assert.ok(veryHigh >= high && high >= medium, JSON.stringify(calibration.thresholds));
  });
});
