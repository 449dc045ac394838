/**
 * The systems as the runtime calls them: base URLs and credentials resolved at start-up (so a
 * missing one fails then), breakers, and quotas and concurrency caps either kept in the store and
 * shared by every worker, or kept by this process for itself.
 */
import { authHeaders, valueResolver } from "../delivery/auth.ts";
import { longestDelivery, type SharedQuotas, type SystemRuntime, systemRuntime } from "../delivery/deliver.ts";
import type { Clock, Timers } from "../host.ts";
import type { CompiledSpecSet } from "../pipeline.ts";
import { learningHeaders, type Redactor } from "../redact.ts";
import type { Store } from "../store/store.ts";

/** What building the systems needs. */
export interface SystemsOptions {
  compiled: CompiledSpecSet;
  store: Store;
  worker: string;
  leaseMs: number;
  clock: Clock;
  timers: Timers;
  redactor: Redactor;
  env: Readonly<Record<string, string | undefined>>;
  secrets?: ((name: string) => string | undefined) | undefined;
  /** False: each process keeps its own quotas. */
  sharedQuotas: boolean;
  fetchToken?: ((url: string, body: string) => Promise<{ access_token: string; expires_in?: number }>) | undefined;
  report(error: unknown): void;
}

/** Every system of the spec set, by name. */
export function buildSystems(options: SystemsOptions): Map<string, SystemRuntime> {
  const { compiled, clock, redactor } = options;
  const resolve = redactor.resolver(valueResolver(options.env, options.secrets));
  const shared = options.sharedQuotas ? sharedQuotas(options) : undefined;
  const systems = new Map<string, SystemRuntime>();
  for (const [name, definition] of Object.entries(compiled.systems)) {
    const baseUrl = resolve(definition.baseUrl, `${name}.baseUrl`);
    const made = authHeaders(definition, resolve, { now: () => clock.now(), ...(options.fetchToken ? { fetchToken: options.fetchToken } : {}) });
    const keyHeader = (definition.auth as { header?: unknown }).header;
    const auth = learningHeaders(redactor, made, typeof keyHeader === "string" ? [keyHeader] : []);
    systems.set(name, systemRuntime(definition, baseUrl, auth, compiled.pipelines, shared, options.timers));
  }
  return systems;
}

/** Every worker of the store takes from one bucket per system: together they keep its quota. */
function sharedQuotas(options: SystemsOptions): SharedQuotas {
  const { store, worker, clock, report } = options;
  // A worker's slots of a concurrency cap stay its own, unless it asks again, for longer than a call
  // started on them may take: they are handed on to its next calls for up to a second after it took them.
  const slotHoldMs = Math.max(options.leaseMs, longestDelivery(options.compiled).ms + 2_000);
  return {
    reserve: (system, want, now, requestsPerMinute, burst) => store.takeQuota({ system, want, now, requestsPerMinute, burst }),
    slots: (system, limit) => ({
      limit,
      take: (want, holding) => store.takeSlots({ system, holder: worker, want, holding, limit, now: clock.now(), holdMs: slotHoldMs }),
      give: (count) => store.returnSlots({ system, holder: worker, count, now: clock.now() }),
      report,
    }),
    now: () => clock.now(),
    report,
  };
}
