import assert from "node:assert/strict";
import type { DataSourceRecord } from "./data_sources.ts";
import { dueDataSources } from "./scheduler.ts";

const record = (id: string, extra: Partial<DataSourceRecord>) =>
  ({ id, index: "town", createdAt: "2025-01-01T00:00:00Z", ...extra }) as DataSourceRecord;

Deno.test("dueDataSources: every N minutes since the last start (or creation), not while running", () => {
  const now = Date.parse("2025-01-01T01:00:00Z");
  const records = [
    record("never-synced", { schedule: { everyMinutes: 60 } }),
    record("too-soon", {
      schedule: { everyMinutes: 60 },
      lastSyncStartedAt: "2025-01-01T00:30:00Z",
    }),
    record("due", { schedule: { everyMinutes: 30 }, lastSyncStartedAt: "2025-01-01T00:30:00Z" }),
    record("running", { schedule: { everyMinutes: 1 }, runningJobId: "j" }),
    record("on-demand", {}),
  ];
  assert.deepEqual(dueDataSources(records, now).map((r) => r.id), ["never-synced", "due"]);
});
