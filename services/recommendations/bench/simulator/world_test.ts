import assert from "node:assert/strict";
import { createWorld, itemTokens } from "./world.ts";

const small = {
  users: 300,
  initialItems: 80,
  newItemsPerHour: 5,
  activeUsersPerHour: 40,
  historyDays: 1,
};

Deno.test("the same seed gives the same world; another seed a different one", () => {
  const a = createWorld({ ...small, seed: 3 });
  const b = createWorld({ ...small, seed: 3 });
  const c = createWorld({ ...small, seed: 4 });
  assert.deepEqual(a.newItems(5), b.newItems(5));
  assert.deepEqual(a.activeUsers(2), b.activeUsers(2));
  assert.deepEqual(a.initialInteractions(), b.initialInteractions());
  assert.notDeepEqual(a.newItems(5).map((i) => i.metadata), c.newItems(5).map((i) => i.metadata));
});

Deno.test("items arrive each hour, stamped with that hour; the initial catalogue is 30-60 days old", () => {
  const world = createWorld(small);
  const hour3 = world.newItems(3);
  assert.equal(hour3.length, 5);
  assert.ok(hour3.every((i) => i.creationTimestamp === world.startTimestamp + 3 * 3600));
  assert.equal(new Set([...world.newItems(2), ...hour3].map((i) => i.itemId)).size, 10);
  for (const item of world.initialItems()) {
    const ageDays = (world.startTimestamp - item.creationTimestamp) / 86_400;
    assert.ok(ageDays >= 30 && ageDays <= 60);
  }
  assert.deepEqual(itemTokens(hour3[0]).length, 4);
});

Deno.test("active users are distinct and the requested number", () => {
  const users = createWorld(small).activeUsers(7);
  assert.equal(users.length, 40);
  assert.equal(new Set(users).size, 40);
});

Deno.test("click-through is a few percent on random pairs and a user clicks an item once", () => {
  const world = createWorld({ ...small, seed: 2 });
  const items = world.initialItems();
  let sum = 0;
  for (const userId of world.userIds) {
    for (const item of items) sum += world.clickProbability(userId, item.itemId, 0);
  }
  const base = sum / (world.userIds.length * items.length);
  assert.ok(base > 0.005 && base < 0.06, `base CTR ${base}`);
  // The most likely pair clicks eventually, then never again.
  let best = { userId: "", itemId: "", p: 0 };
  for (const userId of world.userIds.slice(0, 50)) {
    for (const item of items) {
      const p = world.clickProbability(userId, item.itemId, 0);
      if (p > best.p) best = { userId, itemId: item.itemId, p };
    }
  }
  let hour = 0;
  while (!world.click(best.userId, best.itemId, hour)) hour++;
  assert.ok(hour < 50);
  for (let h = hour + 1; h < hour + 30; h++) {
    assert.equal(world.click(best.userId, best.itemId, h), false);
  }
});

Deno.test("metadata partly reveals taste: same-genre items get higher CTR from a user who likes the genre", () => {
  const world = createWorld({ ...small, seed: 5 });
  const items = world.initialItems();
  let inGenre = 0, inCount = 0, outGenre = 0, outCount = 0;
  for (const userId of world.userIds.slice(0, 100)) {
    const scored = items.map((item) => ({
      item,
      p: world.clickProbability(userId, item.itemId, 0),
    }));
    const favourite = scored.sort((a, b) => b.p - a.p)[0].item.metadata.GENRES;
    for (const { item, p } of scored.slice(1)) {
      if (item.metadata.GENRES === favourite) (inGenre += p, inCount++);
      else (outGenre += p, outCount++);
    }
  }
  assert.ok(inGenre / inCount > 2 * (outGenre / outCount));
});

Deno.test("freshness: the same item is likelier to be clicked when new than a week later", () => {
  const world = createWorld(small);
  const [item] = world.newItems(0);
  const userId = world.userIds[0];
  assert.ok(
    world.clickProbability(userId, item.itemId, 0) >
      world.clickProbability(userId, item.itemId, 24 * 7),
  );
});
