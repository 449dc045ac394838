/**
 * What `spec exceptions show` prints about an issue's subject, labelled, and how `spec exceptions
 * edit` checks a correction before the store takes it: a source payload against the schema of the
 * event that starts the route, a target request against the operation's request schema. A
 * correction that would be refused again (or, worse, sent malformed) is refused here, naming the
 * fields, and nothing changes (ops/issue-corrections.ts).
 */
import { loadProgram } from "../compiler/program.ts";
import { type CorrectionTarget, correctionProblem, noRequestToEdit } from "../ops/issue-corrections.ts";
import type { IssueSubject } from "../runtime/store/roles/issue-subjects.ts";
import type { Issue } from "../runtime/store/store.ts";
import type { CliIo } from "./io.ts";
import { compiledInMemory } from "./load-compiled.ts";

/** What an edit replaces. */
export type EditTarget = CorrectionTarget;

const indented = (value: unknown) => JSON.stringify(value, null, 2).split("\n").map((l) => `    ${l}`);

/** The labelled source payload and target request of an issue, as `show` prints them. */
export function subjectLines(issue: Issue, subject: IssueSubject | undefined): string[] {
  if (issue.gap !== null) return ["  payload (the reconciliation's differing values):", ...indented(issue.payload)];
  const lines: string[] = [];
  // Only an exception can be edited; a dead letter is retried as it stands.
  const editable = issue.kind === "exception";
  const source = subject?.source;
  if (source === undefined || source === null) lines.push("  source payload: none kept");
  else {
    const hint = editable ? "; edit --payload replaces it and routes the event again" : "";
    lines.push(`  source payload (event ${source.eventId} of route ${source.route}${hint}):`, ...indented(source.payload));
  }
  const request = subject?.request;
  if (request === undefined || request === null) {
    lines.push("  target request: none (no request was built for a target, or it was refused before it was sent)");
  } else {
    const params = request.params === null ? "" : `, path parameters ${JSON.stringify(request.params)}`;
    const hint = editable ? "; edit --request replaces its body and sends it again" : "";
    lines.push(
      `  target request (${request.system}.${request.operation}, delivery ${request.deliveryId}${params}${hint}):`,
      ...indented(request.body),
    );
  }
  return lines;
}

/** Why a correction may not be taken, or undefined when it may; the spec set is the project's around the working directory. */
export function editProblem(io: CliIo, issue: Issue, subject: IssueSubject | undefined, target: EditTarget, payload: unknown): string | undefined {
  const missing = noRequestToEdit(issue, subject, target);
  if (missing !== undefined) return missing;
  const program = loadProgram({ cwd: io.cwd });
  if (!program.ok) return "the spec set here does not load, so the correction cannot be checked against it; run spec exceptions edit in the project (spec validate shows what is wrong)";
  return correctionProblem(compiledInMemory(program), issue, subject, target, payload);
}

/** The sentence `edit` prints on success: which of the two it replaced and what happens next. */
export function editedSentence(issue: Issue, subject: IssueSubject | undefined, target: EditTarget): string {
  const request = subject?.request;
  if (target === "request" && request !== undefined && request !== null) {
    return `edited the request of delivery ${request.deliveryId} to ${request.system}.${request.operation}; it is sent again under the same idempotency key`;
  }
  return `edited the source payload of event ${issue.eventId}; route ${issue.route} runs it again`;
}
