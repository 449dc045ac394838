/**
 * One redactor per process: it learns every credential the runtime resolves (the values of a
 * System's auth references, webhook signing secrets, every value read from a `{ secret }`
 * reference) and every credential header it sends (Authorization, a System's key header, OAuth
 * tokens as they are fetched), and scrubs them from text and JSON before anything is stored
 * (`outbox.last_error`, `issues.reason`, audit details before they are hashed) or shown (the
 * dashboard, logs). A target that echoes the credential in its error answer therefore leaves
 * `[redacted]` behind, never the secret.
 *
 * Each secret is also matched as it appears once encoded: URL-encoded, JSON-escaped, HTML-escaped,
 * and in base64 (as in a Basic header).
 */
import type { AuthHeaders } from "./delivery/auth.ts";
import type { ValueRef } from "./pipeline.ts";
import type { DeliveryOutcome, EventSettlement } from "./store/store.ts";

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Headers whose values are credentials whatever they hold (lower-case). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]);

/**
 * Values shorter than this are not matched on their own: scrubbing every "ab" would garble the
 * text around it and tell as much as it hides. The headers that carry them are still redacted.
 */
const SHORTEST = 4;

/** Fields whose resolved values are addresses, not credentials. */
const NOT_SECRET = /\.(baseUrl|tokenUrl)$/;

/** Scrubs known secrets from what is stored or shown. */
export interface Redactor {
  /** Learns a secret value. */
  add(value: string): void;
  /** Learns the values of credential headers about to be sent (`header` names a System's own key header). */
  addHeaders(headers: Readonly<Record<string, string>>, credentialHeaders?: readonly string[]): void;
  /** The text with every known secret replaced by `[redacted]`. */
  text(value: string): string;
  /** A copy of a JSON value with secrets scrubbed from its strings, and credential headers' values replaced. */
  json<T>(value: T): T;
  /**
   * Wraps a value resolver: every value it resolves is learnt as a secret, except addresses
   * (`*.baseUrl`, `*.auth.tokenUrl`) read from `{ env }`.
   */
  resolver<R extends (ref: ValueRef, field: string) => string>(resolve: R): R;
  /** How many distinct secrets it knows. */
  readonly size: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** The forms a secret may take once encoded into a message. */
function forms(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), escapeHtml(secret), JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1)]);
  out.add(Buffer.from(secret).toString("base64"));
  return [...out].filter((form) => form.length >= SHORTEST);
}

/** Creates an empty redactor; `secrets` are learnt at once. */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const known = new Set<string>();
  const credentialHeaders = new Set(CREDENTIAL_HEADERS);
  let pattern: RegExp | undefined;
  const patterns: string[] = [];

  const add = (value: string) => {
    if (value.length < SHORTEST || known.has(value)) return;
    known.add(value);
    patterns.push(...forms(value));
    pattern = undefined;
  };
  const text = (value: string): string => {
    if (patterns.length === 0 || value === "") return value;
    // Longest first, so a secret that contains another is replaced whole.
    pattern ??= new RegExp([...new Set(patterns)].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
    return value.replace(pattern, REDACTED);
  };
  const json = (value: unknown, key?: string): unknown => {
    if (key !== undefined && credentialHeaders.has(key.toLowerCase()) && typeof value === "string") return REDACTED;
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map((item) => json(item));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[text(k)] = json(v, k);
      return out;
    }
    return value;
  };
  for (const secret of secrets) add(secret);
  return {
    add,
    addHeaders(headers, names = []) {
      for (const name of names) credentialHeaders.add(name.toLowerCase());
      for (const [name, value] of Object.entries(headers)) {
        if (!credentialHeaders.has(name.toLowerCase())) continue;
        add(value);
        // `Bearer abc`, `Basic dXNlcjpwYXNz`: the credential after the scheme on its own too.
        const scheme = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value);
        if (scheme?.[1] !== undefined) add(scheme[1]);
      }
    },
    text,
    json: <T>(value: T) => json(value) as T,
    resolver<R extends (ref: ValueRef, field: string) => string>(resolve: R): R {
      return ((ref: ValueRef, field: string) => {
        const value = resolve(ref, field);
        if ("secret" in ref || !NOT_SECRET.test(field)) add(value);
        return value;
      }) as R;
    },
    get size() {
      return known.size;
    },
  };
}

/**
 * A System's header source whose credential headers the redactor learns as they are made: fixed
 * ones on the first call, an OAuth token each time a new one is fetched. `names` are the System's
 * own credential header names (its API key header).
 */
export function learningHeaders(redactor: Redactor, auth: AuthHeaders, names: readonly string[]): AuthHeaders {
  let last: Record<string, string> | undefined;
  const learn = (headers: Record<string, string>) => {
    // Fixed credentials come back as the same object every call: learnt once.
    if (headers !== last) {
      redactor.addHeaders(headers, names);
      last = headers;
    }
    return headers;
  };
  return () => {
    const headers = auth();
    return headers instanceof Promise ? headers.then(learn) : learn(headers);
  };
}

/** Scrubs an attempt's outcome in place before it is stored: its error, its issue's reason. */
export function scrubOutcome(redactor: Redactor, outcome: DeliveryOutcome): void {
  if (outcome.outcome === "retry") outcome.error = redactor.text(outcome.error);
  else if (outcome.outcome === "dead" || outcome.outcome === "exception") outcome.issue = { ...outcome.issue, reason: redactor.text(outcome.issue.reason) };
}

/** Scrubs an event's settlement in place before it is stored, with the deliveries made as it was routed. */
export function scrubEventSettlement(redactor: Redactor, settlement: EventSettlement): void {
  if (settlement.outcome === "exception" || settlement.outcome === "rejected") settlement.issue = { ...settlement.issue, reason: redactor.text(settlement.issue.reason) };
  else if (settlement.outcome === "skipped") settlement.reason = redactor.text(settlement.reason);
  else if (settlement.outcome === "routed") for (const d of settlement.deliveries) if (d.attempted !== undefined) scrubOutcome(redactor, d.attempted);
}
