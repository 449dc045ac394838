// The SQLite store's worker thread (see store-thread.ts). It loads the TypeScript sources the way
// bin/spec.mjs does, whatever loaded the thread that started it.
import "../../../bin/register.mjs";
import { workerData } from "node:worker_threads";

const { serveSqliteStore } = await import("./sqlite.ts");
await serveSqliteStore(workerData);
