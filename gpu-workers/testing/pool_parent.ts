/**
 * A launcher for the orphan test: `deno run -A pool_parent.ts <repository>` starts a pool of
 * two CPU worker processes over the repository, prints `{"workers":[<pid>, …]}` on one line once
 * its models are loaded, then runs until it is killed.
 */
import { Pool } from "../pool/pool.ts";

const pool = new Pool({ repository: Deno.args[0], gpus: [], cpuWorkers: 2, isolation: "process" });
await pool.start();
console.log(JSON.stringify({ workers: pool.workers().map((w) => w.pid) }));
