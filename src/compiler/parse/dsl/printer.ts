/**
 * The printer: a model value to DSL text in the one canonical layout. Route, Mapping and
 * Ownership use their statements wherever the value fits them and `key value` entries where it
 * does not, so every valid document prints, and reads back as the same value. Comments come
 * from a CommentSource keyed by model path (see format.ts); without one, none are printed.
 */
import type { PathSegment } from "../document.ts";
import { STEP_ACTIONS, type StepActionName } from "../../../model/constants.ts";
import type { StepPrint } from "../../../steps/dsl-kind.ts";
import { STEP_DSL } from "../../../steps/dsl-registry.ts";
import { canonicalOrder } from "./canonical-order.ts";
import { dottedSafe, duration, IDENT, isKeyword, isObj, isStr, jsonata, name, NUMBER_LIKE, type Obj, only, path, qualified, quote } from "./print-words.ts";

export { quote } from "./print-words.ts";

/** Comments to put back, by the path of the statement they belong to. */
export interface CommentSource {
  leading(path: readonly PathSegment[]): string[];
  trailing(path: readonly PathSegment[]): string | undefined;
  /** Comments written just before the closing brace of the block at `path`. */
  dangling(path: readonly PathSegment[]): string[];
  /** True when a comment belongs to `path` or below (the value must not be folded onto one line). */
  within(path: readonly PathSegment[]): boolean;
}

const NO_COMMENTS: CommentSource = { leading: () => [], trailing: () => undefined, dangling: () => [], within: () => false };

type Path = readonly PathSegment[];

const WIDTH = 100;
const LITERALS = new Set(["true", "false", "null"]);
const isStrList = (x: unknown): x is string[] => Array.isArray(x) && x.length > 0 && x.every(isStr);

/** A key in a route, mapping or ownership body: its first word may not be a keyword. */
function plainKey(s: string): string {
  return dottedSafe(s) && !isKeyword(s.split(".")[0] ?? "") ? s : quote(s);
}
function scalar(v: unknown): string | undefined {
  if (v === null) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : "null";
  if (isStr(v)) {
    if (dottedSafe(v) && !LITERALS.has(v)) return v;
    // `30s`, `1.2.0` and dates stay bare; text that only looks like a number is quoted for readers
    if (NUMBER_LIKE.test(v) && !/^[-+0-9.eE]+$/.test(v)) return v;
    return quote(v);
  }
  return undefined;
}

interface Printer {
  kind: string;
  lines: string[];
  comments: CommentSource;
}

function isJsonataPath(kind: string, at: Path): boolean {
  const last = at.at(-1);
  if (kind === "Route") return last === "when" || (["params", "query", "headers"].includes(String(at.at(-2))) && at.at(-3) === "deliver");
  if (kind === "Mapping") return at.length === 2 && last === "expression";
  if (kind === "Reconciliation") return at[1] === "sources" && at.length === 4 && (last === "filter" || last === "measure");
  if (kind === "Policy") return at[1] === "customRules" && at.length === 4 && last === "assert";
  return false;
}


/** A value on one line, or undefined when it needs several. */
function inline(p: Printer, v: unknown, at: Path, indent: string, room: number): string | undefined {
  if (isStr(v) && isJsonataPath(p.kind, at)) {
    const block = jsonata(v, indent);
    return block.includes("\n") ? undefined : block;
  }
  const s = scalar(v);
  if (s !== undefined) return s;
  if (p.comments.within(at)) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const parts: string[] = [];
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (isObj(item) || Array.isArray(item)) return undefined;
      const part = inline(p, item, [...at, i], indent, room);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    const out = `[${parts.join(", ")}]`;
    return out.length <= room ? out : undefined;
  }
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return "{}";
    const parts: string[] = [];
    for (const k of keys) {
      const item = v[k];
      if (isObj(item) && Object.keys(item).length > 0) return undefined;
      if (Array.isArray(item) && item.some((x) => isObj(x) || Array.isArray(x))) return undefined;
      const part = inline(p, item, [...at, k], indent, room);
      if (part === undefined) return undefined;
      parts.push(`${path(k)} ${part}`);
    }
    const out = `{ ${parts.join(", ")} }`;
    return out.length <= room ? out : undefined;
  }
  return "null";
}

// ---- emitting lines ---------------------------------------------------------------------

function lead(p: Printer, at: Path, indent: string): void {
  for (const c of p.comments.leading(at)) p.lines.push(indent + c);
}
function trail(p: Printer, at: Path): string {
  const c = p.comments.trailing(at);
  return c === undefined ? "" : `  ${c}`;
}
/** A one-line statement. */
function stmt(p: Printer, at: Path, indent: string, line: string): void {
  lead(p, at, indent);
  p.lines.push(indent + line + trail(p, at));
}
/** A statement whose text may span lines (a multi-line JSONata block). */
function stmtText(p: Printer, at: Path, indent: string, content: string): void {
  lead(p, at, indent);
  p.lines.push(indent + content + trail(p, at));
}
function closeBlock(p: Printer, at: Path, indent: string, close = "}"): void {
  for (const c of p.comments.dangling(at)) p.lines.push(`${indent}  ${c}`);
  p.lines.push(indent + close + trail(p, at));
}

/** `key value` at `at`, folding onto one line when it fits. */
function entry(p: Printer, at: Path, key: string, v: unknown, indent: string): void {
  const head = `${key} `;
  const one = inline(p, v, at, indent, WIDTH - indent.length - head.length);
  if (one !== undefined) {
    stmt(p, at, indent, head + one);
    return;
  }
  if (isStr(v)) {
    stmtText(p, at, indent, head + jsonata(v, indent));
    return;
  }
  lead(p, at, indent);
  if (Array.isArray(v)) {
    p.lines.push(`${indent}${head}[`);
    v.forEach((item, i) => listItem(p, [...at, i], item, `${indent}  `));
    closeBlock(p, at, indent, "]");
  } else {
    p.lines.push(`${indent}${head}{`);
    blockEntries(p, at, v as Obj, `${indent}  `);
    closeBlock(p, at, indent);
  }
}

function listItem(p: Printer, at: Path, v: unknown, indent: string): void {
  const one = inline(p, v, at, indent, WIDTH - indent.length);
  if (one !== undefined) {
    stmt(p, at, indent, one);
    return;
  }
  if (isStr(v)) {
    stmtText(p, at, indent, jsonata(v, indent));
    return;
  }
  lead(p, at, indent);
  if (Array.isArray(v)) {
    p.lines.push(`${indent}[`);
    v.forEach((item, i) => listItem(p, [...at, i], item, `${indent}  `));
    closeBlock(p, at, indent, "]");
  } else {
    p.lines.push(`${indent}{`);
    blockEntries(p, at, v as Obj, `${indent}  `);
    closeBlock(p, at, indent);
  }
}

function blockEntries(p: Printer, at: Path, o: Obj, indent: string, keyOf: (k: string) => string = path): void {
  for (const k of Object.keys(o)) entry(p, [...at, k], keyOf(k), o[k], indent);
}

// ---- routes -----------------------------------------------------------------------------

/** The kind a step declares when it prints as its kind's statement; undefined when it prints as entries. */
function statementKind(step: unknown): StepActionName | undefined {
  if (!isObj(step)) return undefined;
  const actions = STEP_ACTIONS.filter((a) => step[a] !== undefined);
  const [kind] = actions;
  if (kind === undefined || actions.length !== 1 || !only(step, ["id", "description", "when", kind])) return undefined;
  for (const k of ["id", "description", "when"]) if (step[k] !== undefined && !isStr(step[k])) return undefined;
  return STEP_DSL[kind].fits(step[kind]) ? kind : undefined;
}

function stepBlock(p: Printer, at: Path, steps: unknown[], indent: string): void {
  steps.forEach((s, i) => printStep(p, [...at, i], s, `${indent}  `));
  closeBlock(p, at, indent);
}

function printStep(p: Printer, at: Path, step: unknown, indent: string): void {
  const kind = statementKind(step);
  if (kind === undefined || !isObj(step)) {
    lead(p, at, indent);
    const one = inline(p, step, at, indent, WIDTH - indent.length - 5);
    if (one !== undefined && isObj(step)) {
      p.lines.push(`${indent}step ${one}${trail(p, at)}`);
      return;
    }
    p.lines.push(`${indent}step {`);
    if (isObj(step)) blockEntries(p, at, step, `${indent}  `);
    closeBlock(p, at, indent);
    return;
  }
  const label = isStr(step["id"]) ? `${name(step["id"])}: ` : "";
  const modifiers =
    (isStr(step["when"]) ? ` when ${jsonata(step["when"], indent)}` : "") + (isStr(step["description"]) ? ` note ${quote(step["description"])}` : "");
  lead(p, at, indent);
  STEP_DSL[kind].print(stepPrint(p, at, indent, label, modifiers), step[kind]);
}

/** The printer as a step kind's DSL half prints through it. */
function stepPrint(p: Printer, at: Path, indent: string, label: string, modifiers: string): StepPrint {
  return {
    indent,
    label,
    modifiers,
    at,
    push: (line) => void p.lines.push(line),
    pop: () => p.lines.pop() ?? "",
    trail: (where) => trail(p, where),
    lead: (where, ind) => lead(p, where, ind),
    statement: (where, ind, content) => stmtText(p, where, ind, content),
    dangling: (where) => p.comments.dangling(where),
    steps: (where, steps, ind) => stepBlock(p, where, steps, ind),
  };
}

function fitsRetry(r: unknown): r is Obj {
  return (
    isObj(r) &&
    only(r, ["maxAttempts", "backoff", "initialDelay", "maxDelay", "jitter"]) &&
    typeof r["maxAttempts"] === "number" &&
    Number.isInteger(r["maxAttempts"]) &&
    isStr(r["backoff"]) &&
    IDENT.test(r["backoff"]) &&
    isStr(r["initialDelay"]) &&
    isStr(r["maxDelay"]) &&
    (r["jitter"] === undefined || (isStr(r["jitter"]) && IDENT.test(r["jitter"])))
  );
}
function fitsPolicies(o: unknown): o is Obj {
  if (!isObj(o) || Object.keys(o).length === 0) return false;
  if (!only(o, ["retry", "timeout", "circuitBreaker", "deadLetter", "exceptions"])) return false;
  if (o["retry"] !== undefined && !fitsRetry(o["retry"])) return false;
  if (o["timeout"] !== undefined && !isStr(o["timeout"])) return false;
  const cb = o["circuitBreaker"];
  if (
    cb !== undefined &&
    !(
      isObj(cb) &&
      only(cb, ["failureThreshold", "resetAfter", "halfOpenProbes"]) &&
      Number.isInteger(cb["failureThreshold"]) &&
      isStr(cb["resetAfter"]) &&
      Number.isInteger(cb["halfOpenProbes"])
    )
  )
    return false;
  const dl = o["deadLetter"];
  if (dl !== undefined && !(isObj(dl) && only(dl, ["queue"]) && isStr(dl["queue"]))) return false;
  const ex = o["exceptions"];
  if (ex !== undefined && !(isObj(ex) && only(ex, ["queue", "owner", "sla"]) && isStr(ex["queue"]) && isStr(ex["owner"]) && (ex["sla"] === undefined || isStr(ex["sla"]))))
    return false;
  return true;
}

function printPolicies(p: Printer, o: Obj, indent: string): void {
  const at = ["spec", "policies"];
  for (const k of Object.keys(o)) {
    const v = o[k] as Obj;
    const sp = [...at, k];
    if (k === "retry") {
      const jitter = isStr(v["jitter"]) ? ` jitter ${v["jitter"]}` : "";
      stmt(p, sp, indent, `retry ${JSON.stringify(v["maxAttempts"])} times ${v["backoff"]} ${duration(v["initialDelay"] as string)}..${duration(v["maxDelay"] as string)}${jitter}`);
    } else if (k === "timeout") stmt(p, sp, indent, `timeout ${duration(o[k] as string)}`);
    else if (k === "circuitBreaker") {
      stmt(p, sp, indent, `breaker after ${JSON.stringify(v["failureThreshold"])} failures reset after ${duration(v["resetAfter"] as string)} probes ${JSON.stringify(v["halfOpenProbes"])}`);
    } else if (k === "deadLetter") stmt(p, sp, indent, `dead-letter ${name(v["queue"] as string)}`);
    else if (k === "exceptions") {
      const sla = isStr(v["sla"]) ? `, sla ${duration(v["sla"])}` : "";
      stmt(p, sp, indent, `exceptions ${name(v["queue"] as string)} owner ${name(v["owner"] as string)}${sla}`);
    }
  }
}

function printRouteSpec(p: Printer, spec: Obj, indent: string): void {
  for (const k of Object.keys(spec)) {
    const v = spec[k];
    const at = ["spec", k];
    if (k === "trigger" && isObj(v) && Object.keys(v).length > 0 && only(v, ["event", "canonical", "schedule", "when"]) && Object.values(v).every(isStr)) {
      for (const t of Object.keys(v)) {
        const s = v[t] as string;
        const tp = [...at, t];
        if (t === "event") stmt(p, tp, indent, `on ${qualified(s)}`);
        else if (t === "canonical") stmt(p, tp, indent, `on canonical ${name(s)}`);
        else if (t === "schedule") stmt(p, tp, indent, `on schedule ${quote(s)}`);
        else stmtText(p, tp, indent, `when ${jsonata(s, indent)}`);
      }
    } else if ((k === "idempotencyKey" || k === "orderingKey") && isStrList(v)) {
      stmt(p, at, indent, `${k === "idempotencyKey" ? "key" : "order by"} ${v.map(path).join(", ")}`);
    } else if (k === "steps" && Array.isArray(v) && v.length > 0) {
      p.lines.push("");
      lead(p, at, indent);
      p.lines.push(`${indent}steps {`);
      stepBlock(p, at, v, indent);
      p.lines.push("");
    } else if (k === "policies" && fitsPolicies(v)) printPolicies(p, v, indent);
    else if (k === "sla" && isObj(v) && only(v, ["within", "description"]) && isStr(v["within"]) && (v["description"] === undefined || isStr(v["description"]))) {
      stmt(p, at, indent, `sla ${duration(v["within"])}${isStr(v["description"]) ? ` note ${quote(v["description"])}` : ""}`);
    } else if (k === "guard" && isObj(v) && only(v, ["ignoreOrigin"]) && isStrList(v["ignoreOrigin"])) {
      stmt(p, at, indent, `guard ignore origin ${v["ignoreOrigin"].map(name).join(", ")}`);
    } else entry(p, at, plainKey(k), v, indent);
  }
}

// ---- mappings ---------------------------------------------------------------------------

function shape(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  if (only(v, ["entity"]) && isStr(v["entity"])) return name(v["entity"]);
  if (only(v, ["system", "schema"]) && isStr(v["system"]) && isStr(v["schema"])) {
    return `${name(v["system"])}.${IDENT.test(v["schema"]) ? v["schema"] : quote(v["schema"])}`;
  }
  return undefined;
}

function fitsLookups(v: unknown): v is Record<string, Obj> {
  return (
    isObj(v) &&
    Object.keys(v).length > 0 &&
    Object.values(v).every(
      (l) =>
        isObj(l) &&
        only(l, ["kind", "entity", "from", "to", "description"]) &&
        isStr(l["kind"]) &&
        IDENT.test(l["kind"]) &&
        isStr(l["entity"]) &&
        ["from", "to", "description"].every((k) => l[k] === undefined || isStr(l[k])),
    )
  );
}

function printMappingSpec(p: Printer, spec: Obj, indent: string): void {
  for (const k of Object.keys(spec)) {
    const v = spec[k];
    const at = ["spec", k];
    const s = k === "source" || k === "target" ? shape(v) : undefined;
    if (s !== undefined) stmt(p, at, indent, `${k === "source" ? "from" : "to"} ${s}`);
    else if (k === "lookups" && fitsLookups(v)) {
      for (const [n, l] of Object.entries(v)) {
        const from = isStr(l["from"]) ? ` from ${name(l["from"])}` : "";
        const to = isStr(l["to"]) ? ` to ${name(l["to"])}` : "";
        const note = isStr(l["description"]) ? ` note ${quote(l["description"])}` : "";
        stmt(p, [...at, n], indent, `lookup ${name(n)} ${l["kind"]} ${name(l["entity"] as string)}${from}${to}${note}`);
      }
    } else if (k === "tests" && Array.isArray(v) && v.length > 0 && v.every((t) => isObj(t) && isStr(t["name"]))) {
      (v as Obj[]).forEach((t, i) => {
        const tp = [...at, i];
        const rest = Object.fromEntries(Object.entries(t).filter(([key]) => key !== "name"));
        p.lines.push("");
        lead(p, tp, indent);
        p.lines.push(`${indent}test ${quote(t["name"] as string)} {`);
        blockEntries(p, tp, rest, `${indent}  `);
        closeBlock(p, tp, indent);
      });
    } else entry(p, at, plainKey(k), v, indent);
  }
}

// ---- ownership --------------------------------------------------------------------------

function printOwnershipSpec(p: Printer, spec: Obj, indent: string): void {
  const sugarEntity = isStr(spec["entity"]) && isStr(spec["systemOfRecord"]);
  for (const k of Object.keys(spec)) {
    const v = spec[k];
    const at = ["spec", k];
    if (k === "entity" && sugarEntity) stmt(p, at, indent, `entity ${name(v as string)} owned by ${name(spec["systemOfRecord"] as string)}`);
    else if (k === "systemOfRecord" && sugarEntity) continue;
    else if ((k === "create" || k === "update" || k === "replicas") && isStrList(v)) {
      const verb = k === "create" ? "created by" : k === "update" ? "updated by" : "replicated to";
      stmt(p, at, indent, `${verb} ${v.map(name).join(", ")}`);
    } else if (k === "fields" && isObj(v) && Object.keys(v).length > 0) {
      for (const [f, o] of Object.entries(v)) {
        const fp = [...at, f];
        const lists = (o: Obj) => (["update", "replicas"] as const).every((k) => o[k] === undefined || isStrList(o[k]));
        if (isObj(o) && only(o, ["systemOfRecord", "update", "replicas"]) && isStr(o["systemOfRecord"]) && lists(o)) {
          const update = isStrList(o["update"]) ? `, updated by ${o["update"].map(name).join(", ")}` : "";
          const replicas = isStrList(o["replicas"]) ? ` replicated to ${o["replicas"].map(name).join(", ")}` : "";
          stmt(p, fp, indent, `field ${path(f)} owned by ${name(o["systemOfRecord"])}${update}${replicas}`);
        } else if (isObj(o)) {
          lead(p, fp, indent);
          const one = inline(p, o, fp, indent, WIDTH - indent.length - f.length - 8);
          if (one !== undefined) p.lines.push(`${indent}field ${path(f)} ${one}${trail(p, fp)}`);
          else {
            p.lines.push(`${indent}field ${path(f)} {`);
            blockEntries(p, fp, o, `${indent}  `);
            closeBlock(p, fp, indent);
          }
        } else entry(p, at, plainKey(k), v, indent);
      }
    } else entry(p, at, plainKey(k), v, indent);
  }
}

// ---- documents --------------------------------------------------------------------------

const SUGARED = new Set(["Route", "Mapping", "Ownership"]);

/** Prints one document (any valid spec document value) as DSL text, without a final newline. */
export function printDocument(document: unknown, comments: CommentSource = NO_COMMENTS): string {
  const doc = canonicalOrder(document) as Obj;
  const kind = String(doc["kind"] ?? "");
  const metadata = isObj(doc["metadata"]) ? doc["metadata"] : {};
  const spec = isObj(doc["spec"]) ? doc["spec"] : {};
  const p: Printer = { kind, lines: [], comments };
  let header = `${kind.toLowerCase()} ${name(String(metadata["name"] ?? ""))}`;
  if (isStr(metadata["version"])) header += ` version ${NUMBER_LIKE.test(metadata["version"]) ? metadata["version"] : quote(metadata["version"])}`;
  if (isStr(metadata["team"])) header += ` team ${name(metadata["team"])}`;
  lead(p, [], "");
  p.lines.push(`${header} {`);
  const indent = "  ";
  const sugared = SUGARED.has(kind);
  let wroteMetadata = false;
  for (const k of ["description", "labels", "deprecated"]) {
    if (metadata[k] === undefined) continue;
    entry(p, ["metadata", k], k, metadata[k], indent);
    wroteMetadata = true;
  }
  if (wroteMetadata && Object.keys(spec).length > 0) p.lines.push("");
  if (kind === "Route") printRouteSpec(p, spec, indent);
  else if (kind === "Mapping") printMappingSpec(p, spec, indent);
  else if (kind === "Ownership") printOwnershipSpec(p, spec, indent);
  else blockEntries(p, ["spec"], spec, indent, sugared ? plainKey : path);
  for (const c of comments.dangling([])) p.lines.push(indent + c);
  p.lines.push(`}${trail(p, [])}`);
  // no blank line right after an opening line or before a closing one, and never two in a row
  const out: string[] = [];
  for (const line of p.lines) {
    const previous = out.at(-1);
    if (line === "" && (previous === undefined || previous === "" || previous.endsWith("{") || previous.endsWith("["))) continue;
    if (line.trim() === "}" && previous === "") out.pop();
    out.push(line);
  }
  return out.join("\n");
}
