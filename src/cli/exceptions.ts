/**
 * `spec exceptions list|show|retry|edit|skip` and, through the same factory, `spec dlq
 * list|show|retry`: the queues people work. Each action records who (`--by`, by default the git
 * user of the working directory, else the login name) and why (`--reason`, required) in the audit
 * log. Listing and showing print each entry's trace id, which `spec audit trail --trace` follows.
 * An exception opened for a reconciliation gap holds no event: it can be skipped with a reason,
 * and closes by itself once the systems agree; retry and edit are refused with a sentence saying
 * so (exit 1).
 */
import { readFileSync } from "node:fs";
import { ConfigurationError, IssueStateError } from "../runtime/errors.ts";
import { loadRunConfig, openStore } from "../runtime/run-config.ts";
import type { IssueSubject } from "../runtime/store/roles/issue-subjects.ts";
import type { Issue, Store } from "../runtime/store/store.ts";
import { actorOf } from "./actor.ts";
import { type Command, expectAction, expectFormat, type OptionHelp, parseCommandArgs } from "./command.ts";
import { type EditTarget, editedSentence, editProblem, subjectLines } from "./exception-edit.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat, storeOption } from "./shared-options.ts";

/**
 * Opens the store named by `--store`, or by the run configuration. Only an existing one: a store
 * that is not there is a `ConfigurationError` (`spec run` is what creates stores), so a mistyped
 * path never leaves an empty store behind that answers "nothing here".
 */
export async function storeFor(io: CliIo, values: { store?: string | undefined; config?: string | undefined }): Promise<Store> {
  const config = loadRunConfig(io.cwd, values.config);
  return openStore(values.store ?? config.store, config.root, { oneShot: true, existing: true });
}

/** `12s`, `5m`, `3h`, `2d`. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")).join("\n")}\n`;
}

/** An issue with the trace id of its event (null for a reconciliation gap, which has none). */
type TracedIssue = Issue & { traceId: string | null };

async function withTraces(store: Store, issues: readonly Issue[]): Promise<TracedIssue[]> {
  return Promise.all(issues.map(async (issue) => ({ ...issue, traceId: issue.eventId === null ? null : ((await store.eventTrace(issue.eventId)) ?? null) })));
}

function show(issue: TracedIssue, subject: IssueSubject | undefined, now: number): string {
  const lines = [
    `${issue.kind} ${issue.id} (${issue.status})`,
    `  queue:    ${issue.queue}`,
    `  owner:    ${issue.owner}`,
    `  route:    ${issue.route}`,
    issue.gap === null
      ? `  event:    ${issue.eventId}${issue.deliveryId === null ? "" : `, delivery ${issue.deliveryId}`}`
      : `  gap:      ${issue.gap.reconciliation} ${issue.gap.key}${issue.gap.closedAt === null ? "" : ` (closed ${age(now - issue.gap.closedAt)} ago)`}`,
    ...(issue.traceId === null ? [] : [`  trace:    ${issue.traceId}`]),
    `  attempts: ${issue.attempts}`,
    `  age:      ${age(now - issue.createdAt)}`,
    ...(issue.reasonCode === null ? [] : [`  rejected: ${issue.reasonCode} (a declared rejection; retry or edit routes it again, skip closes it)`]),
    `  reason:   ${issue.reason}`,
  ];
  if (issue.resolvedBy !== null) lines.push(`  resolved: by ${issue.resolvedBy}: ${issue.resolution ?? ""}`);
  lines.push(...subjectLines(issue, subject));
  return `${lines.join("\n")}\n`;
}

function parsePayload(text: string, flag: string): unknown {
  const source = text.trim().startsWith("{") || text.trim().startsWith("[") ? text : readFileSync(text, "utf8");
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new UsageError(`${flag} is not JSON: ${(error as Error).message}`);
  }
}

const STATUSES = ["open", "retried", "replayed", "skipped", "closed"];

const ACTIONS = { exception: ["list", "show", "retry", "edit", "skip"], "dead-letter": ["list", "show", "retry", "skip"] } as const;

function issueOptions(name: string, kind: Issue["kind"]): OptionHelp[] {
  const queue = kind === "exception" ? "time-posting-exceptions" : "time-to-revenue-dead";
  const options: OptionHelp[] = [
    {
      name: "queue",
      value: "name",
      description: "With list: only the entries of this queue",
      default: "every queue",
      examples: [`spec ${name} list --queue ${queue}`, `spec ${name} list --queue ${queue} --status skipped`],
    },
    {
      name: "status",
      value: "status",
      description: "With list: only the entries in this state",
      values: STATUSES,
      default: "open",
      examples: [`spec ${name} list --status skipped`, `spec ${name} list --status retried --format json`],
    },
    {
      name: "reason",
      value: "why",
      description: `Why you ${kind === "exception" ? "retry, edit or skip" : "retry or skip"}: required, and recorded in the audit log`,
      examples: [`spec ${name} retry 42 --reason "ERP outage over"`, `spec ${name} skip 42 --reason "posted by hand in the ERP"`],
    },
    {
      name: "by",
      value: "who",
      description: "Who acts, as the audit log records it",
      default: "the git user (user.name <user.email>) of the working directory, else $USER",
      examples: [`spec ${name} retry 42 --reason "rate card fixed" --by ana`, `spec ${name} skip 7 --reason "duplicate" --by finance-ops`],
    },
  ];
  if (kind === "exception") {
    options.push({
      name: "payload",
      value: "json|file",
      description:
        "With edit: the corrected source payload (what the route received), as JSON or a file holding it, checked against the event's schema and routed again in place of the original",
      examples: [`spec ${name} edit 42 --payload fixed.json --reason "hours corrected"`, `spec ${name} edit 42 --payload '{"hours":"7.50"}' --reason "typo"`],
    });
    options.push({
      name: "request",
      value: "json|file",
      description: "With edit: the corrected body of a stopped delivery's target request, checked against the operation's request schema and sent again under the same idempotency key",
      examples: [`spec ${name} edit 43 --request body.json --reason "code taken in the ERP"`, `spec ${name} edit 43 --request '{"code":"P-7b"}' --reason "duplicate code"`],
    });
  }
  options.push(storeOption(`spec ${name} list`), configOption(`spec ${name} list`), reportFormat(`spec ${name} list`));
  return options;
}

const ISSUE_PARSER_OPTIONS = {
  queue: { type: "string" },
  status: { type: "string" },
  reason: { type: "string" },
  by: { type: "string" },
  payload: { type: "string" },
  request: { type: "string" },
  store: { type: "string" },
  config: { type: "string" },
  format: { type: "string" },
} as const;

/**
 * `edit`: replaces the source payload (`--payload`, routed again) or a stopped delivery's target
 * request (`--request`, sent again), once the correction passes its schema; says which it edited.
 */
async function editIssue(a: {
  io: CliIo;
  store: Store;
  name: string;
  kind: Issue["kind"];
  format: "text" | "json";
  issue: Issue;
  subject: IssueSubject | undefined;
  base: { issueId: number; who: string; why: string; now: number };
  values: { payload?: string | undefined; request?: string | undefined };
}): Promise<number> {
  const { io, issue, subject, values } = a;
  if (values.payload !== undefined && values.request !== undefined) throw new UsageError("edit takes --payload (the source payload) or --request (the target request), not both");
  const target: EditTarget = values.request !== undefined ? "request" : "source";
  const text = values.request ?? values.payload;
  // A gap's exception has no payload to correct: the store refuses the edit and says why.
  if (text === undefined && issue.gap === null) throw new UsageError("edit needs --payload with the corrected source payload or --request with the corrected target request (JSON, or a file holding it)");
  const payload = text === undefined ? null : parsePayload(text, target === "request" ? "--request" : "--payload");
  const problem = issue.gap === null ? editProblem(io, issue, subject, target, payload) : undefined;
  if (problem !== undefined) {
    io.stderr(`spec ${a.name}: ${problem}\n`);
    return EXIT.findings;
  }
  const resolved = await a.store.resolveIssue({ ...a.base, action: "edit", payload, target });
  const edited = editedSentence(issue, subject, target);
  io.stdout(
    a.format === "json"
      ? jsonOutput({ entry: resolved }, { id: resolved.id, action: "edit", status: resolved.status, by: a.base.who, edited: target })
      : `${a.kind} ${resolved.id}: ${resolved.status} by ${a.base.who}: ${edited}\n`,
  );
  return EXIT.ok;
}

/** Builds the command for one kind of queue. */
export function issueCommand(name: string, kind: Issue["kind"], summary: string): Command {
  const actions: readonly string[] = ACTIONS[kind];
  // Only an exception can be edited, so only `spec exceptions` accepts a corrected payload.
  const { payload: _payload, request: _request, ...withoutPayload } = ISSUE_PARSER_OPTIONS;
  const parserOptions = (kind === "exception" ? ISSUE_PARSER_OPTIONS : withoutPayload) as typeof ISSUE_PARSER_OPTIONS;
  const usage = `spec ${name} ${actions.join("|")} [id] [--queue q] [--status ${STATUSES.join("|")}] [--reason why] [--by who]${kind === "exception" ? " [--payload json|file | --request json|file]" : ""} [--store url|--config file] [--format text|json]`;
  return {
    name,
    summary,
    usage,
    actions,
    options: issueOptions(name, kind),
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, parserOptions);
      const format = expectFormat(values.format, ["text", "json"] as const, "text");
      const [first, idText] = positionals;
      const action = expectAction(first, actions);
      if (values.status !== undefined && !STATUSES.includes(values.status)) {
        throw new UsageError(`--status must be ${STATUSES.slice(0, -1).join(", ")} or ${STATUSES.at(-1)}, got '${values.status}'`);
      }
      const id = idText === undefined ? undefined : Number(idText);
      if (action !== "list" && (id === undefined || !Number.isInteger(id) || id <= 0)) throw new UsageError(`${action} needs the id of an entry`);
      if (["retry", "edit", "skip"].includes(action) && (values.reason ?? "").trim() === "") throw new UsageError(`${action} needs --reason: the audit log records why`);
      let store: Store;
      try {
        store = await storeFor(io, values);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        io.stderr(`spec ${name}: ${error.message}\n`);
        return EXIT.usage;
      }
      try {
        const now = Date.now();
        if (action === "list") {
          const issues = await withTraces(store, await store.listIssues({
            kind,
            ...(values.queue !== undefined ? { queue: values.queue } : {}),
            status: (values.status ?? "open") as Issue["status"],
          }));
          if (format === "json") io.stdout(jsonOutput({ entries: issues }, { entries: issues.length, status: values.status ?? "open", queue: values.queue ?? null }));
          else if (issues.length === 0) io.stdout(`no ${values.status ?? "open"} entries\n`);
          else {
            const rows = [["ID", "QUEUE", "ROUTE", "OWNER", "AGE", "ATTEMPTS", "TRACE", "REASON"]];
            for (const i of issues) rows.push([String(i.id), i.queue, i.route, i.owner, age(now - i.createdAt), String(i.attempts), i.traceId ?? "-", i.reason]);
            io.stdout(table(rows));
          }
          return EXIT.ok;
        }
        const issue = await store.issue(id as number);
        if (issue === undefined || issue.kind !== kind) {
          // The id of the other queue kind: say which command works it.
          const there = issue === undefined ? undefined : (ACTIONS[issue.kind] as readonly string[]).includes(action) ? action : "show";
          const elsewhere = issue === undefined ? "" : `: ${id} is ${issue.kind === "dead-letter" ? "a dead letter (spec dlq" : "an exception (spec exceptions"} ${there} ${id})`;
          io.stderr(`spec ${name}: there is no ${kind} ${id}${elsewhere}\n`);
          return EXIT.findings;
        }
        const subject = await store.issueSubject(issue.id);
        if (action === "show") {
          const [traced] = await withTraces(store, [issue]);
          const entry = { ...(traced as TracedIssue), source: subject?.source ?? null, request: subject?.request ?? null };
          io.stdout(format === "json" ? jsonOutput({ entry }, { id: issue.id, status: issue.status }) : show(traced as TracedIssue, subject, now));
          return EXIT.ok;
        }
        const who = actorOf(io, values.by);
        const why = values.reason as string;
        const base = { issueId: issue.id, who, why, now };
        if (action === "edit") return await editIssue({ io, store, name, kind, format, issue, subject, base, values });
        const resolved = await store.resolveIssue({ ...base, action: action as "retry" | "skip" });
        io.stdout(format === "json" ? jsonOutput({ entry: resolved }, { id: resolved.id, action, status: resolved.status, by: who }) : `${kind} ${resolved.id}: ${resolved.status} by ${who}\n`);
        return EXIT.ok;
      } catch (error) {
        if (!(error instanceof IssueStateError)) throw error;
        io.stderr(`spec ${name}: ${error.message}\n`);
        return EXIT.findings;
      } finally {
        await store.close();
      }
    },
  };
}

export const exceptionsCommand = issueCommand("exceptions", "exception", "Work the exception queues: list, show, retry, edit and replay, skip with a reason");
