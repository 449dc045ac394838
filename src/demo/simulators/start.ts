/**
 * Starts the three simulators a month runs against and derives the environment and secrets the
 * runtime needs to reach them from the System specs: every `{ env }` and `{ secret }` reference in
 * a system's base URL and auth gets a value that points at, or is accepted by, its simulator.
 */
import type { IncomingMessage } from "node:http";
import type { SystemDefinition, ValueRef } from "../../runtime/pipeline.ts";
import type { Month } from "../month/types.ts";
import { createRandom } from "../random.ts";
import { type BillingState, createBillingState } from "./billing.ts";
import { createErpState, type ErpState } from "./erp.ts";
import { createFaultSchedule, type FaultSettings, NO_FAULTS } from "./faults.ts";
import { createIdentity, TOKEN_PATH } from "./identity.ts";
import { createPsaState, type PsaState } from "./psa.ts";
import { createSimulator, type OperationHandler, type Simulator, type SimulatorStats } from "./server.ts";

/** Options of `startSimulators`. */
export interface SimulatorSetOptions {
  month: Month;
  /** The compiled systems; each role among psa, erp and billing gets a simulator. */
  systems: Readonly<Record<string, SystemDefinition>>;
  /** Seeds the misbehaviour schedules. */
  seed: number;
  /** Misbehaviour per system name; well-behaved when absent. */
  faults?: Readonly<Record<string, FaultSettings>>;
}

/** The running simulators, their state and what the runtime needs to reach them. */
export interface SimulatorSet {
  simulators: Record<string, Simulator>;
  psa: PsaState;
  erp: ErpState;
  billing: BillingState;
  /** Environment variables the systems' references read. */
  env: Record<string, string>;
  /** Secrets by name (`xero/psa-webhook-key`). */
  secrets: Record<string, string>;
  /** Canonical records of an entity as one system holds them. */
  records(system: string, entity: string): Record<string, unknown>[];
  stats(): SimulatorStats[];
  close(): Promise<void>;
}

function refsOf(value: unknown, found: ValueRef[] = []): ValueRef[] {
  if (typeof value !== "object" || value === null) return found;
  if ("env" in value && typeof (value as { env: unknown }).env === "string") found.push(value as ValueRef);
  else if ("secret" in value && typeof (value as { secret: unknown }).secret === "string") found.push(value as ValueRef);
  else for (const child of Object.values(value)) refsOf(child, found);
  return found;
}

/** Starts a simulator for the psa, erp and billing systems of a spec set. */
export async function startSimulators(options: SimulatorSetOptions): Promise<SimulatorSet> {
  const { month } = options;
  const random = createRandom(options.seed).fork("simulators");
  const psa = createPsaState(month);
  const erp = createErpState(month);
  const billing = createBillingState(month);
  const states: Record<string, { handlers: Record<string, OperationHandler>; records(entity: string): Record<string, unknown>[] }> = { psa, erp, billing };
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const value = (ref: ValueRef, fallback: string): string => {
    const table = "env" in ref ? env : secrets;
    const name = "env" in ref ? ref.env : ref.secret;
    table[name] ??= fallback;
    return table[name];
  };
  const clients: Record<string, string> = {};
  const identity = createIdentity(clients);
  const simulators: Record<string, Simulator> = {};
  const byRole = new Map<string, string>();
  for (const system of Object.values(options.systems)) {
    const state = states[system.role];
    if (state === undefined || byRole.has(system.role)) continue;
    byRole.set(system.role, system.name);
    const auth = system.auth as { type: string } & Record<string, unknown>;
    // Resolved after start, once the simulator's URL is known.
    let authorize: (headers: IncomingMessage["headers"]) => boolean = () => true;
    simulators[system.name] = createSimulator({
      system,
      handlers: state.handlers,
      faults: createFaultSchedule(options.faults?.[system.name] ?? NO_FAULTS, random.fork(system.name)),
      authorize: (headers) => authorize(headers),
      extra: (method, path, body, response) => identity.serve(method, path, body, response),
    });
    const url = await (simulators[system.name] as Simulator).start();
    value(system.baseUrl, url);
    if (auth.type === "oauth2-client-credentials") {
      value(auth["tokenUrl"] as ValueRef, `${url}${TOKEN_PATH}`);
      const id = value(auth["clientId"] as ValueRef, `${system.name}-client`);
      clients[id] = value(auth["clientSecret"] as ValueRef, random.uuid());
      const tenant = auth["tenantHeader"] as { name: string; value: ValueRef } | undefined;
      authorize = identity.bearer(tenant === undefined ? undefined : { header: tenant.name, value: value(tenant.value, random.uuid()) });
    } else if (auth.type === "basic") {
      const key = value(auth["username"] as ValueRef, `${system.name}_${random.uuid().replace(/-/g, "")}`);
      if (auth["password"] !== undefined) value(auth["password"] as ValueRef, "");
      authorize = identity.basic(key);
    }
    // Webhook signing keys and anything else referenced get a value too.
    for (const ref of refsOf(system)) value(ref, random.uuid().replace(/-/g, ""));
  }
  return {
    simulators,
    psa,
    erp,
    billing,
    env,
    secrets,
    records(system, entity) {
      const role = options.systems[system]?.role ?? system;
      return states[role]?.records(entity) ?? [];
    },
    stats: () => Object.values(simulators).map((s) => s.stats()),
    close: async () => {
      await Promise.all(Object.values(simulators).map((s) => s.close()));
    },
  };
}
