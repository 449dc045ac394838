/**
 * How a person's correction of an issue is checked before the store takes it, wherever it is made
 * (`spec exceptions edit`, the dashboard): a source payload against the schema of the event that
 * starts the route, a target request against the operation's request schema. A correction the
 * schema refuses would be refused again (or, worse, sent malformed), so it is refused at once.
 */
import { type CompiledSpecSet, everyStep, type Validator } from "../pipeline/definitions.ts";
import type { IssueSubject } from "../runtime/store/roles/issue-subjects.ts";
import type { Issue } from "../runtime/store/store.ts";

/** What a correction replaces: the event's source payload, or a stopped delivery's request. */
export type CorrectionTarget = "source" | "request";

/** The validator of what starts a route: its system event's payload schema, or the entity its canonical event carries. */
function sourceValidator(compiled: CompiledSpecSet, route: string): Validator | undefined {
  const trigger = compiled.pipelines.find((p) => p.route === route)?.trigger;
  if (trigger?.kind === "event") return compiled.systems[trigger.system]?.events[trigger.event]?.payloadValidator;
  if (trigger?.kind !== "canonical") return undefined;
  for (const other of compiled.pipelines) {
    for (const step of everyStep(other.steps)) {
      if (step.kind === "emit" && step.event === trigger.event && step.entity !== undefined) return compiled.validators[step.entity];
    }
  }
  return undefined;
}

/** Why a request cannot be edited on this issue: it holds none (it stopped before a delivery was made). */
export function noRequestToEdit(issue: Issue, subject: IssueSubject | undefined, target: CorrectionTarget): string | undefined {
  if (target !== "request" || (subject?.request !== undefined && subject.request !== null)) return undefined;
  return `exception ${issue.id} holds no request to a target (it stopped before a delivery was made); edit its source payload with --payload`;
}

/** Why a correction may not be taken, or undefined when it may. */
export function correctionProblem(compiled: CompiledSpecSet, issue: Issue, subject: IssueSubject | undefined, target: CorrectionTarget, payload: unknown): string | undefined {
  const missing = noRequestToEdit(issue, subject, target);
  if (missing !== undefined) return missing;
  const request = subject?.request ?? null;
  const validator = request !== null && target === "request" ? compiled.systems[request.system]?.operations[request.operation]?.requestValidator : sourceValidator(compiled, issue.route);
  const what = request !== null && target === "request" ? `the request to ${request.system}.${request.operation}` : `the source payload of route ${issue.route}`;
  const result = validator?.(payload);
  return result === undefined || result.valid ? undefined : `${what} does not match its schema, so nothing was changed: ${result.errors.join("; ")}`;
}
