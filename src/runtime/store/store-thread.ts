/**
 * A store served from a worker thread. The thread owns the database connection and runs the real
 * store; the caller's thread gets a proxy whose every method posts the call and waits for the
 * answer. With SQLite this keeps each commit's fsync off the event loop that processes events and
 * calls targets, and the calls that arrive while a commit is being written queue up on the thread
 * and share the next commit.
 */
import type { EventLoopUtilization } from "node:perf_hooks";
import { type MessagePort, parentPort, Worker } from "node:worker_threads";
import { withField } from "../objects.ts";
import { reviveError } from "../errors.ts";
import type { EventSettlement, IncomingEvent, NewDelivery, Store } from "./store.ts";

// `health` belongs to stores with connections to lose, and `watchWork` to stores other processes
// write to; the SQLite store on its thread has neither.
type Method = Exclude<keyof Store, "engine" | "health" | "watchWork">;

/** Every method of the contract; the compiler checks that none is missing. */
const METHODS = {
  accept: true,
  claimEvents: true,
  settleEvents: true,
  claimDeliveries: true,
  settleDeliveries: true,
  renewLeases: true,
  releaseLeases: true,
  findXref: true,
  putXref: true,
  referenceData: true,
  putReferenceData: true,
  findPosting: true,
  recordPosting: true,
  postingDelivery: true,
  loadReferenceData: true,
  dataVersions: true,
  dataRows: true,
  findRecord: true,
  keepRecord: true,
  findRecords: true,
  takeQuota: true,
  takeSlots: true,
  returnSlots: true,
  cursor: true,
  setCursor: true,
  recordReconciliationRun: true,
  keptRecords: true,
  reconciliationRuns: true,
  messageHashes: true,
  recordMessages: true,
  listIssues: true,
  issue: true,
  issueSubject: true,
  resolveIssue: true,
  openGap: true,
  closeGap: true,
  currentGaps: true,
  replay: true,
  routes: true,
  auditTrail: true,
  eventTrace: true,
  eventsByKey: true,
  verifyAudit: true,
  counts: true,
  close: true,
} satisfies Record<Method, true>;

interface Call {
  id: number;
  method: Method;
  args: unknown[];
}

/** An error as it crosses threads: the runtime's named errors keep their class, SQLite's its code. */
interface SentError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SentError };

/** What the thread says once it has opened the store, or failed to. */
type Started = { started: true } | { started: false; error: SentError };

/** An event as it crosses threads: its payload once, as the JSON the caller already made. */
function slimEvent(event: IncomingEvent): IncomingEvent {
  if (event.serialized === undefined || event.payload === undefined) return event;
  const { payload: _payload, ...rest } = event;
  return rest as IncomingEvent;
}

/** A delivery as it crosses threads: its body once, as JSON. */
function slimDelivery(delivery: NewDelivery): NewDelivery {
  if (delivery.bodyJson === undefined || delivery.body === undefined) return delivery;
  const { body: _body, ...rest } = delivery;
  return rest as NewDelivery;
}

/** The arguments of a call as they are posted: payloads and bodies that are already JSON are not cloned again. */
function slimArgs(method: Method, args: unknown[]): unknown[] {
  if (method === "accept") return [(args[0] as IncomingEvent[]).map(slimEvent), ...args.slice(1)];
  if (method === "settleEvents") {
    const settlements = (args[0] as EventSettlement[]).map((s) => {
      if (s.outcome !== "routed") return s;
      // A copy made field by field, not spread: one per event (see objects.ts).
      const slim = withField(s, "deliveries", s.deliveries.map(slimDelivery));
      if (s.emits !== undefined) slim["emits"] = s.emits.map(slimEvent);
      return slim;
    });
    return [settlements, ...args.slice(1)];
  }
  return args;
}

function sendable(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === "string" ? { code } : {}), ...(error.stack === undefined ? {} : { stack: error.stack }) };
}

function revive(error: SentError): Error {
  const revived = reviveError(error.name, error.message);
  if (error.code !== undefined) Object.assign(revived, { code: error.code });
  // The thread's stack says where the store failed; it is shown with SYNCSPEC_DEBUG=1.
  if (error.stack !== undefined) revived.stack = error.stack;
  return revived;
}

const THREAD_UTILIZATION = Symbol("store thread utilization");

/**
 * How busy a threaded store's thread has been since it started (see `performance.eventLoopUtilization`),
 * for benchmarks; undefined for a store on the caller's thread.
 */
export function storeThreadUtilization(store: Store): EventLoopUtilization | undefined {
  return (store as unknown as Record<symbol, (() => EventLoopUtilization) | undefined>)[THREAD_UTILIZATION]?.();
}

const isBusy = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
};

/** The contract's lookups, which a threaded store may serve on the caller's thread. */
const LOCAL_READS = ["findXref", "referenceData", "findRecord"] as const;

/** A store's lookups served on the caller's thread, and how to close what serves them. */
export interface LocalReads {
  store: Pick<Store, (typeof LOCAL_READS)[number]>;
  close(): Promise<void>;
}

/**
 * Starts `entry` (a module that calls `serveStore`) on a worker thread with `workerData`, and
 * resolves with a proxy once the thread has opened its store. With `local`, opened once the thread
 * has opened (and migrated) the store, the lookups are served on the caller's thread instead.
 */
export async function threadedStore(entry: URL, workerData: unknown, engine: Store["engine"], local?: () => LocalReads): Promise<Store> {
  const worker = new Worker(entry, { workerData });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let closing = false;

  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    worker.once("error", fail);
    worker.once("exit", (code) => fail(new Error(`the store's thread exited (code ${code}) before it opened the store`)));
    worker.once("message", (message: Started) => {
      worker.off("error", fail);
      worker.removeAllListeners("exit");
      if (message.started) resolve();
      else reject(revive(message.error));
    });
  });

  const failAll = (error: Error) => {
    failure ??= error;
    for (const waiter of pending.values()) waiter.reject(failure);
    pending.clear();
  };
  worker.on("message", (answers: Answer[]) => {
    for (const answer of answers) {
      const waiter = pending.get(answer.id);
      if (waiter === undefined) continue;
      pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.value);
      else waiter.reject(revive(answer.error));
    }
    // The thread keeps the process alive only while a call waits for it.
    if (pending.size === 0 && !closing) worker.unref();
  });
  worker.on("error", (error) => failAll(new Error(`the store's thread failed: ${error.message}`)));
  worker.on("exit", (code) => failAll(new Error(`the store's thread has stopped (code ${code})`)));
  worker.unref();

  // Calls made together (a settlement and the next lease, lookups started side by side) cross to
  // the thread as one message, posted once the current task's microtasks have run; answers that
  // are ready together come back the same way. Waiting for a later task would cost each call a
  // turn of both event loops.
  let outgoing: Call[] = [];
  const post = () => {
    const calls = outgoing;
    outgoing = [];
    if (failure === undefined) worker.postMessage(calls);
  };
  const call = (method: Method, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      if (outgoing.length === 0) queueMicrotask(post);
      outgoing.push({ id, method, args: slimArgs(method, args) });
    });

  const proxy: Record<string, unknown> = { engine, [THREAD_UTILIZATION]: () => worker.performance.eventLoopUtilization() };
  for (const method of Object.keys(METHODS) as Method[]) proxy[method] = (...args: unknown[]) => call(method, args);
  let reads: LocalReads | undefined;
  try {
    reads = local?.();
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  if (reads !== undefined) {
    const served = reads.store as unknown as Record<Method, (...args: unknown[]) => Promise<unknown>>;
    for (const method of LOCAL_READS) {
      // A read that finds the file busy (a rare moment of the log being reset) asks the thread instead.
      proxy[method] = (...args: unknown[]) =>
        failure !== undefined ? Promise.reject(failure) : served[method](...args).catch((error: unknown) => (isBusy(error) ? call(method, args) : Promise.reject(error)));
    }
  }
  let closed: Promise<void> | undefined;
  proxy["close"] = () => {
    // Closing twice waits for the one close.
    closed ??= (async () => {
      await reads?.close();
      if (failure !== undefined) return;
      closing = true;
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      try {
        await call("close", []);
      } catch (error) {
        // The thread could not close its database cleanly: stop it, so the process can exit.
        await worker.terminate();
        throw error;
      }
      await exited;
    })();
    return closed;
  };
  return proxy as unknown as Store;
}

/** The thread's side: opens the store with `open`, then answers calls until `close`. */
export async function serveStore(open: () => Promise<Store>): Promise<void> {
  const port = parentPort as MessagePort;
  let store: Store;
  try {
    store = await open();
  } catch (error) {
    port.postMessage({ started: false, error: sendable(error) } satisfies Started);
    return;
  }
  port.postMessage({ started: true } satisfies Started);
  let answers: Answer[] = [];
  let closed = false;
  const reply = () => {
    const batch = answers;
    answers = [];
    port.postMessage(batch);
    if (closed) port.close();
  };
  const answer = (value: Answer) => {
    if (answers.length === 0) queueMicrotask(reply);
    answers.push(value);
  };
  port.on("message", (calls: Call[]) => {
    for (const { id, method, args } of calls) {
      let result: Promise<unknown>;
      try {
        result = Promise.resolve((store[method] as (...a: unknown[]) => unknown)(...args));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => answer({ id, ok: true, value }),
        (error: unknown) => answer({ id, ok: false, error: sendable(error) }),
      );
      // After close, failed or not, the thread answers and ends.
      if (method === "close") result.finally(() => (closed = true)).catch(() => undefined);
    }
  });
}
