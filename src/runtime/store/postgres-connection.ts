/**
 * What the PostgreSQL store does when its connections fail: a connection terminated by the server
 * (`pg_terminate_backend`, a restart), reset, refused or timed out. The store call is run again
 * with exponential backoff and jitter until it succeeds or the retry window ends; meanwhile the
 * store reports not ready. Every loss, retry and recovery is logged and counted (`StoreHealth`).
 */
import { StoreUnavailableError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { StoreHealth } from "./store.ts";

/** How connection failures are retried. */
export interface ReconnectPolicy {
  /** The first wait before a call is run again (default 100 ms); it doubles after each failure. */
  initialDelayMs?: number;
  /** The longest wait between two runs of a call (default 2 s). */
  maxDelayMs?: number;
  /** How long a call keeps being retried before it fails with StoreUnavailableError (default 30 s). */
  giveUpAfterMs?: number;
}

/** What the reconnecting store is given: its logger, clock, timers and randomness. */
export interface ReconnectEnvironment {
  log: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random: () => number;
}

/** Runs store calls through connection failures and keeps the store's health. */
export interface ConnectionKeeper {
  /** Runs `call`, running it again after a connection failure; `what` names it in the log. */
  run<T>(what: string, call: () => Promise<T>): Promise<T>;
  /** Records a connection lost outside a call's own error (an idle client, a client's error event). */
  lost(error: unknown, where: string): void;
  health(): StoreHealth;
}

/** SQLSTATEs of a lost or refused connection: class 08, the server shutting down or starting, too many connections. */
const CONNECTION_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const CONNECTION_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended unexpectedly/i;

/** Whether `error` means the connection to PostgreSQL was lost or could not be made. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (code.startsWith("08") || CONNECTION_STATES.has(code) || NETWORK_CODES.has(code))) return true;
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the keeper of one store's connections. */
export function connectionKeeper(policy: ReconnectPolicy, env: ReconnectEnvironment): ConnectionKeeper {
  const initialDelayMs = policy.initialDelayMs ?? 100;
  const maxDelayMs = policy.maxDelayMs ?? 2_000;
  const giveUpAfterMs = policy.giveUpAfterMs ?? 30_000;
  const state: StoreHealth = { ready: true, connectionLosses: 0, retries: 0, reconnects: 0 };
  let retriesWhileDown = 0;

  function notReady(error: unknown): void {
    state.reason = describe(error);
    if (!state.ready) return;
    state.ready = false;
    state.notReadySince = env.now();
    retriesWhileDown = 0;
    env.log.warn("store not ready: connection failure", { store: "postgres", error: describe(error) });
  }

  function answered(): void {
    if (state.ready) return;
    const downMs = env.now() - (state.notReadySince ?? env.now());
    state.ready = true;
    state.reconnects += 1;
    delete state.reason;
    delete state.notReadySince;
    env.log.info("store ready again: connection restored", { store: "postgres", downMs, retries: retriesWhileDown, reconnects: state.reconnects });
  }

  return {
    async run(what, call) {
      const started = env.now();
      for (let attempt = 1; ; attempt++) {
        try {
          const value = await call();
          answered();
          return value;
        } catch (error) {
          if (!isConnectionError(error)) throw error;
          notReady(error);
          // A commit whose answer was lost is not run again here: the caller decides.
          if (error instanceof StoreUnavailableError) throw error;
          const waited = env.now() - started;
          if (waited >= giveUpAfterMs) {
            env.log.error("store call failed: the database stayed unreachable", { store: "postgres", call: what, attempts: attempt, waitedMs: waited, error: describe(error) });
            throw new StoreUnavailableError(`the PostgreSQL store did not answer for ${waited} ms (${attempt} attempts): ${describe(error)}`);
          }
          // Full jitter over the upper half, so many workers do not come back at the same instant.
          const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 20));
          const delayMs = Math.round(ceiling / 2 + (env.random() * ceiling) / 2);
          state.retries += 1;
          retriesWhileDown += 1;
          env.log.warn("store call retried after a connection failure", { store: "postgres", call: what, attempt, delayMs, error: describe(error) });
          await env.sleep(Math.min(delayMs, Math.max(0, giveUpAfterMs - waited)));
        }
      }
    },
    lost(error, where) {
      state.connectionLosses += 1;
      env.log.warn("store connection lost", { store: "postgres", where, error: describe(error), losses: state.connectionLosses });
      notReady(error);
    },
    health: () => ({ ...state }),
  };
}
