import assert from "node:assert/strict";
import { generateSynthetic } from "./synthetic.ts";

Deno.test("generateSynthetic: seeded, sized, no repeats, new items only after they exist", () => {
  const options = { interactions: 3000, users: 100, items: 400, seed: 3 };
  const a = generateSynthetic(options);
  const b = generateSynthetic(options);
  assert.deepEqual(a.interactions, b.interactions);
  const n = a.interactions.user.length;
  assert.ok(n > 2900 && n <= 3000, `${n} interactions`);
  const pairs = new Set<string>();
  for (let r = 0; r < n; r++) {
    const i = a.interactions.item[r];
    pairs.add(`${a.interactions.user[r]}:${i}`);
    if (i >= a.firstNewItem) assert.ok(a.interactions.time[r] >= a.itemCreated[i] - 1);
  }
  assert.equal(pairs.size, n);
  assert.equal(a.firstNewItem, 380);
  assert.ok(a.itemMetadata.every((row) => row.categorical?.GENRES?.length === 2));
  assert.notDeepEqual(
    generateSynthetic({ ...options, seed: 4 }).interactions.item,
    a.interactions.item,
  );
});
