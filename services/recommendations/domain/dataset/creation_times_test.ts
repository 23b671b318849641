import assert from "node:assert/strict";
import { creationTimeTracker } from "./creation_times.ts";

Deno.test("given time, else first interaction, else the latest timestamp in the data", () => {
  const times = creationTimeTracker();
  times.addItem("given", 100);
  times.addItem("clicked", null);
  times.addItem("never", null);
  times.addInteraction("clicked", 700);
  times.addInteraction("clicked", 300); // earlier, read later
  times.addInteraction("given", 900);
  times.addInteraction("only-in-events", 500);
  assert.deepEqual(
    times.resolve(),
    new Map([["given", 100], ["clicked", 300], ["never", 900], ["only-in-events", 500]]),
  );
});

Deno.test("with no interactions the newest creation time stands in; with nothing, the fallback", () => {
  const times = creationTimeTracker();
  times.addItem("a", 50);
  times.addItem("b", null);
  assert.deepEqual(times.resolve(1), new Map([["a", 50], ["b", 50]]));
  const empty = creationTimeTracker();
  empty.addItem("c", null);
  assert.deepEqual(empty.resolve(1234), new Map([["c", 1234]]));
});
