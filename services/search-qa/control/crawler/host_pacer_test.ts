import assert from "node:assert/strict";
import { hostPacer } from "./host_pacer.ts";

Deno.test("hostPacer: one host's requests are spaced by the interval, hosts independently", async () => {
  let clock = 1000;
  const waits: number[] = [];
  const pace = hostPacer({
    now: () => clock,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  await Promise.all([pace("a", 200), pace("a", 200), pace("a", 200), pace("b", 200)]);
  assert.deepEqual(waits, [200, 400]); // a: at 1000, 1200, 1400; b: at 1000
  clock = 2000; // long after: no wait
  await pace("a", 200);
  assert.deepEqual(waits, [200, 400]);
  await pace("a", 500); // a Crawl-delay lengthens the next gap, not this one
  assert.deepEqual(waits, [200, 400, 200]);
});
