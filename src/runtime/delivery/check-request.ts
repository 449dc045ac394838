/**
 * The check every request passes before it is sent: its body against the operation's request
 * schema (the validator `spec compile` generated from it), its path parameters against the path.
 * A request that fails is never sent: the event goes to its route's exception queue with the
 * reason, located by step, operation and field, so a person corrects the record rather than the
 * target refusing (or, worse, accepting) a malformed posting.
 */
import type { OperationDefinition } from "../pipeline.ts";

/** Where the request was built, for the reason a person reads. */
export interface RequestSite {
  step: string;
  system: string;
  operation: string;
}

/** At most this many field errors are named; the rest are counted. */
const MAX_NAMED = 5;

/** Why a request may not be sent, or undefined when it may. */
export function requestProblem(site: RequestSite, operation: Pick<OperationDefinition, "requestValidator" | "method"> | undefined, body: unknown): string | undefined {
  const validator = operation?.requestValidator;
  if (validator === undefined || operation?.method === "GET" || operation?.method === "DELETE") return undefined;
  const result = validator(body);
  if (result.valid) return undefined;
  const named = result.errors.slice(0, MAX_NAMED).join("; ");
  const more = result.errors.length > MAX_NAMED ? ` (and ${result.errors.length - MAX_NAMED} more)` : "";
  return `step ${site.step}: the request to ${site.system}.${site.operation} does not match the operation's request schema, so it was not sent: ${named}${more}`;
}
