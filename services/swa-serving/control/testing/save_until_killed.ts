/**
 * A control job for the crash test: averages checkpoint after checkpoint into the state store
 * at `Deno.args[0]`, saving after each and printing `saved <n>` once the save has returned,
 * until it is killed.
 */
import { createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
import { loadAverage, saveAverage } from "../state_store.ts";
import { openState } from "./swa_state.ts";
import { bnMlpCheckpoint } from "@edgeml/shared/swa/testing";

const { where } = await openState(Deno.args[0]);
const out = Deno.stdout.writable.getWriter();
for (;;) {
  const state = (await loadAverage(where)) ?? createAverage({ strategy: "equal" });
  const next = updateAverage(state, readCheckpoint(bnMlpCheckpoint(state.n + 1)));
  await saveAverage(where, next);
  await out.write(new TextEncoder().encode(`saved ${next.n}\n`));
}
