/**
 * Lowering: the CST of one document to the plain model value the YAML front end gives, with the
 * range of every part recorded (for `locate`), the file offsets of every string written as a
 * block (for JSONata errors) and the span of every statement (so `spec fmt` can put comments back).
 */
import type { CstNode, IToken } from "chevrotain";
import { API_VERSION } from "../../../model/constants.ts";
import { diagnostic, type Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { SourceFile } from "../../diagnostics/source-file.ts";
import type { PathSegment } from "../document.ts";
import { FORBIDDEN_KEYS } from "../yaml/parse-yaml.ts";
import type {
  BlockCstNode,
  DocumentCstNode,
  MappingStatementCstNode,
  OwnershipStatementCstNode,
  PlainEntryCstNode,
  RouteStatementCstNode,
  StepCstNode,
} from "./cst-types.ts";
import { blockContent } from "./jsonata-block.ts";

/** What lowering records about where things were written. */
export interface Recorder {
  file: SourceFile;
  /** The range of the value at `path`, and of its key or keyword. */
  range(path: readonly PathSegment[], start: number, end: number, keyStart?: number, keyEnd?: number): void;
  /** A statement (a line of the layout) that sets `path`; comments attach to statements. */
  statement(path: readonly PathSegment[], start: number, end: number): void;
  /** A block the printer closes with `}`: comments before its `}` stay there. */
  blockEnd(path: readonly PathSegment[], closeOffset: number): void;
  string(path: readonly PathSegment[], offsetOf: (offsetInString: number) => number): void;
  report(d: Diagnostic): void;
}

type Obj = Record<string, unknown>;
type Path = readonly PathSegment[];

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const METADATA_ENTRIES = new Set(["description", "labels", "deprecated"]);
const KIND_OF_RULE: Record<string, string> = {
  routeDocument: "Route",
  mappingDocument: "Mapping",
  ownershipDocument: "Ownership",
};

// ---- CST access -------------------------------------------------------------------------

function tok(node: CstNode | undefined, name: string, i = 0): IToken | undefined {
  return node?.children[name]?.[i] as IToken | undefined;
}
function toks(node: CstNode | undefined, name: string): IToken[] {
  return (node?.children[name] ?? []) as IToken[];
}
function sub(node: CstNode | undefined, name: string, i = 0): CstNode | undefined {
  return node?.children[name]?.[i] as CstNode | undefined;
}
function subs(node: CstNode | undefined, name: string): CstNode[] {
  return (node?.children[name] ?? []) as CstNode[];
}
/** The only child of a node (the alternative an OR took). */
function only(node: CstNode | undefined): [string, CstNode | IToken] | undefined {
  if (node === undefined) return undefined;
  const children = node.children;
  for (const key in children) {
    const first = children[key]?.[0];
    if (first !== undefined) return [key, first as CstNode | IToken];
  }
  return undefined;
}
function isToken(x: CstNode | IToken): x is IToken {
  return (x as IToken).image !== undefined;
}
function startOf(x: CstNode | IToken | undefined): number {
  if (x === undefined) return 0;
  if (isToken(x)) return Number.isFinite(x.startOffset) ? x.startOffset : 0;
  const s = x.location?.startOffset;
  return s !== undefined && Number.isFinite(s) ? s : 0;
}
function endOf(x: CstNode | IToken | undefined): number {
  if (x === undefined) return 0;
  if (isToken(x)) return Number.isFinite(x.endOffset ?? Number.NaN) ? (x.endOffset ?? 0) + 1 : startOf(x);
  const e = x.location?.endOffset;
  return e !== undefined && Number.isFinite(e) ? e + 1 : startOf(x);
}

// ---- strings and scalars ----------------------------------------------------------------

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** A quoted string's value; a bad escape stands for itself (the lexer stage reported it). */
export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length > 1 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)?/g, (whole, e: string | undefined) => {
    if (e === undefined) return "";
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? whole;
  });
}

interface Lowering {
  rec: Recorder;
}

/** A string from a quoted string or a block, recording where its characters are in the file. */
function stringOf(cx: Lowering, token: IToken, path: Path): string {
  const name = token.tokenType.name;
  if (name === "JsonataBlock" || name === "BrokenJsonataBlock" || name === "JsonataFence" || name === "BrokenJsonataFence") {
    const fence = name.endsWith("Fence");
    const closed = fence ? token.image.length >= 6 && token.image.endsWith("```") : token.image.endsWith("}}");
    const delimiter = fence ? "```" : "{{";
    const content = blockContent(token.image, token.startOffset, delimiter, closed ? (fence ? "```" : "}}") : "");
    cx.rec.string(path, content.offsetOf);
    return content.text;
  }
  const text = unquote(token.image);
  if (token.image === `"${text}"`) cx.rec.string(path, (o) => token.startOffset + 1 + o);
  return text;
}

function nameOf(cx: Lowering, node: CstNode | undefined, path: Path): string {
  const id = tok(node, "Identifier");
  if (id !== undefined) return id.image;
  const s = tok(node, "StringLiteral");
  return s === undefined ? "" : stringOf(cx, s, path);
}

function dottedOf(node: CstNode | undefined): string {
  return toks(node, "Word")
    .concat(toks(node, "Identifier"))
    .sort((a, b) => a.startOffset - b.startOffset)
    .map((w) => w.image)
    .join(".");
}

function pathOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  return s !== undefined ? stringOf(cx, s, at) : dottedOf(sub(node, "dotted"));
}

function textOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  if (s !== undefined) return stringOf(cx, s, at);
  return (tok(node, "Word") ?? tok(node, "NumberLike"))?.image ?? "";
}

/** A number when the text is one, else the text (the schema then says what was expected). */
function numberOf(token: IToken | undefined): number | string {
  const image = token?.image ?? "";
  return JSON_NUMBER.test(image) ? Number(image) : image;
}

function durationOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  return s !== undefined ? stringOf(cx, s, at) : (tok(node, "NumberLike")?.image ?? "");
}

function jsonataOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const t = tok(node, "JsonataBlock") ?? tok(node, "JsonataFence") ?? tok(node, "StringLiteral");
  return t === undefined ? "" : stringOf(cx, t, at);
}

// ---- setting values ---------------------------------------------------------------------

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Sets `key` once; a second setting is a duplicate-key diagnostic at its key. */
function put(cx: Lowering, target: Obj, key: string, value: unknown, at: Path, keyStart: number, keyEnd: number): boolean {
  const location = { file: cx.rec.file, start: keyStart, end: keyEnd };
  if (FORBIDDEN_KEYS.has(key)) {
    cx.rec.report(diagnostic("forbidden-key", { key }, location));
    return false;
  }
  if (Object.hasOwn(target, key)) {
    cx.rec.report(diagnostic("duplicate-key", { key: at.join(".") }, location));
    return false;
  }
  target[key] = value;
  return true;
}

/** The object at `key`, made when absent (statements add to it piece by piece). */
function objectAt(cx: Lowering, target: Obj, key: string, at: Path, start: number, end: number): Obj {
  const existing = target[key];
  if (isObj(existing)) return existing;
  const made: Obj = {};
  if (existing !== undefined) cx.rec.report(diagnostic("duplicate-key", { key: at.join(".") }, { file: cx.rec.file, start, end }));
  else target[key] = made;
  cx.rec.range(at, start, end, start, end);
  return made;
}

function arrayAt(cx: Lowering, target: Obj, key: string, at: Path, start: number, end: number): unknown[] {
  const existing = target[key];
  if (Array.isArray(existing)) return existing;
  const made: unknown[] = [];
  if (existing !== undefined) cx.rec.report(diagnostic("duplicate-key", { key: at.join(".") }, { file: cx.rec.file, start, end }));
  else target[key] = made;
  cx.rec.range(at, start, end, start, end);
  return made;
}

// ---- generic values ---------------------------------------------------------------------

function readValue(cx: Lowering, node: CstNode | undefined, at: Path): unknown {
  const choice = only(node);
  if (choice === undefined) return null;
  const [kind, child] = choice;
  cx.rec.range(at, startOf(child), endOf(child));
  if (isToken(child)) {
    if (kind === "NumberLike") return numberOf(child);
    return stringOf(cx, child, at);
  }
  if (kind === "dotted") {
    const words = toks(child, "Word");
    if (words.length === 1) {
      const type = words[0]?.tokenType.name;
      if (type === "True") return true;
      if (type === "False") return false;
      if (type === "Null") return null;
    }
    return dottedOf(child);
  }
  if (kind === "block") return blockOf(cx, child, at);
  return subs(child, "value").map((item, i) => {
    const itemPath = [...at, i];
    cx.rec.statement(itemPath, startOf(item), endOf(item));
    return readValue(cx, item, itemPath);
  });
}

function blockOf(cx: Lowering, node: BlockCstNode | CstNode, at: Path, into: Obj = {}, route?: (key: string) => Obj | undefined): Obj {
  for (const entry of subs(node, "entry")) {
    const keyNode = sub(entry, "dotted");
    const keyToken = tok(entry, "StringLiteral");
    const key = keyToken !== undefined ? unquote(keyToken.image) : dottedOf(keyNode);
    const keyStart = startOf(keyToken ?? keyNode);
    const keyEnd = endOf(keyToken ?? keyNode);
    const target = route?.(key) ?? into;
    const entryPath = target === into ? [...at, key] : ["metadata", key];
    cx.rec.statement(entryPath, startOf(entry), endOf(entry));
    const value = readValue(cx, sub(entry, "value"), entryPath);
    cx.rec.range(entryPath, startOf(sub(entry, "value")), endOf(sub(entry, "value")), keyStart, keyEnd);
    put(cx, target, key, value, entryPath, keyStart, keyEnd);
  }
  const close = tok(node, "RCurly");
  if (close !== undefined) cx.rec.blockEnd(at, close.startOffset);
  return into;
}

function plainEntry(cx: Lowering, node: PlainEntryCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const keyToken = tok(node, "StringLiteral");
  const key = keyToken !== undefined ? unquote(keyToken.image) : [tok(node, "Identifier")?.image ?? "", ...toks(node, "Word").map((w) => w.image)].join(".");
  const keyStart = startOf(keyToken ?? tok(node, "Identifier"));
  const keyEnd = keyToken !== undefined ? endOf(keyToken) : endOf(toks(node, "Word").at(-1) ?? tok(node, "Identifier"));
  const target = METADATA_ENTRIES.has(key) ? metadata : spec;
  const at = [target === metadata ? "metadata" : "spec", key];
  cx.rec.statement(at, startOf(node), endOf(node));
  const valueNode = sub(node, "value");
  const value = readValue(cx, valueNode, at);
  cx.rec.range(at, startOf(valueNode), endOf(valueNode), keyStart, keyEnd);
  if (isObj(value) && isObj(target[key])) {
    // sugar statements may already have started this object: merge, key by key
    for (const [k, v] of Object.entries(value)) put(cx, target[key] as Obj, k, v, [...at, k], keyStart, keyEnd);
  } else put(cx, target, key, value, at, keyStart, keyEnd);
}

// ---- routes -----------------------------------------------------------------------------

function stepsOf(cx: Lowering, block: CstNode | undefined, at: Path): unknown[] {
  const steps = subs(block, "step").map((step, i) => stepOf(cx, step, [...at, i]));
  const close = tok(block, "RCurly");
  if (close !== undefined) cx.rec.blockEnd(at, close.startOffset);
  return steps;
}

function setToken(cx: Lowering, target: Obj, key: string, value: unknown, at: Path, keyword: IToken | undefined, valueNode: CstNode | IToken | undefined): void {
  const path = [...at, key];
  cx.rec.range(path, startOf(valueNode), endOf(valueNode), startOf(keyword ?? valueNode), endOf(keyword ?? valueNode));
  put(cx, target, key, value, path, startOf(keyword ?? valueNode), endOf(valueNode ?? keyword));
}

function stepOf(cx: Lowering, node: StepCstNode | CstNode, at: Path): Obj {
  cx.rec.statement(at, startOf(node), endOf(node));
  cx.rec.range(at, startOf(node), endOf(node));
  const step: Obj = {};
  const label = sub(node, "name");
  const actionChoice = only(sub(node, "stepAction"));
  if (actionChoice !== undefined && !isToken(actionChoice[1])) {
    const [kind, action] = actionChoice;
    const keyword = (action.children[Object.keys(action.children)[0] ?? ""]?.[0] as IToken | undefined) ?? undefined;
    const names = subs(action, "name");
    switch (kind) {
      case "validateAction":
      case "mapAction": {
        const key = kind === "validateAction" ? "validate" : "map";
        setToken(cx, step, key, nameOf(cx, names[0], [...at, key]), at, tok(action, kind === "validateAction" ? "Validate" : "Map"), names[0]);
        break;
      }
      case "enrichAction": {
        const e: Obj = {};
        const p = [...at, "enrich"];
        cx.rec.range(p, startOf(action), endOf(action), startOf(tok(action, "Enrich")), endOf(tok(action, "Enrich")));
        setToken(cx, e, "lookup", tok(action, "Word")?.image ?? "", p, tok(action, "With"), tok(action, "Word"));
        setToken(cx, e, "entity", nameOf(cx, names[1], [...p, "entity"]), p, undefined, names[1]);
        let next = 2;
        if (tok(action, "From") !== undefined) {
          setToken(cx, e, "from", nameOf(cx, names[next], [...p, "from"]), p, tok(action, "From"), names[next]);
          next++;
        }
        if (tok(action, "To") !== undefined) setToken(cx, e, "to", nameOf(cx, names[next], [...p, "to"]), p, tok(action, "To"), names[next]);
        setToken(cx, e, "key", pathOf(cx, sub(action, "path"), [...p, "key"]), p, tok(action, "By"), sub(action, "path"));
        setToken(cx, e, "as", nameOf(cx, names[0], [...p, "as"]), p, undefined, names[0]);
        put(cx, step, "enrich", e, p, startOf(keyword), endOf(keyword));
        break;
      }
      case "classifyAction": {
        const p = [...at, "classify"];
        cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
        const c: Obj = {};
        setToken(cx, c, "as", nameOf(cx, names[0], [...p, "as"]), p, undefined, names[0]);
        c["rules"] = subs(action, "classifyRule").map((rule, i) => {
          const rp = [...p, "rules", i];
          cx.rec.statement(rp, startOf(rule), endOf(rule));
          cx.rec.range(rp, startOf(rule), endOf(rule));
          const r: Obj = {};
          setToken(cx, r, "when", jsonataOf(cx, sub(rule, "jsonata"), [...rp, "when"]), rp, tok(rule, "When"), sub(rule, "jsonata"));
          setToken(cx, r, "value", textOf(cx, sub(rule, "text"), [...rp, "value"]), rp, tok(rule, "Then"), sub(rule, "text"));
          return r;
        });
        setToken(cx, c, "otherwise", textOf(cx, sub(action, "text"), [...p, "otherwise"]), p, tok(action, "Otherwise"), sub(action, "text"));
        const close = tok(action, "RCurly");
        if (close !== undefined) cx.rec.blockEnd(p, close.startOffset);
        put(cx, step, "classify", c, p, startOf(keyword), endOf(keyword));
        break;
      }
      case "branchAction": {
        const p = [...at, "branch"];
        cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
        const arms = subs(action, "branchArm").map((arm, i) => {
          const ap = [...p, i];
          cx.rec.statement(ap, startOf(arm), endOf(arm));
          cx.rec.range(ap, startOf(arm), endOf(arm));
          const a: Obj = {};
          if (tok(arm, "When") !== undefined) setToken(cx, a, "when", jsonataOf(cx, sub(arm, "jsonata"), [...ap, "when"]), ap, tok(arm, "When"), sub(arm, "jsonata"));
          a["steps"] = stepsOf(cx, sub(arm, "stepBlock"), [...ap, "steps"]);
          cx.rec.range([...ap, "steps"], startOf(sub(arm, "stepBlock")), endOf(sub(arm, "stepBlock")));
          return a;
        });
        const close = tok(action, "RCurly");
        if (close !== undefined) cx.rec.blockEnd(p, close.startOffset);
        put(cx, step, "branch", arms, p, startOf(keyword), endOf(keyword));
        break;
      }
      case "requireAction": {
        const p = [...at, "require"];
        cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
        const r: Obj = {};
        setToken(cx, r, "entity", nameOf(cx, names[0], [...p, "entity"]), p, undefined, names[0]);
        setToken(cx, r, "system", nameOf(cx, names[1], [...p, "system"]), p, tok(action, "In"), names[1]);
        setToken(cx, r, "key", pathOf(cx, sub(action, "path"), [...p, "key"]), p, tok(action, "By"), sub(action, "path"));
        if (tok(action, "Wait") !== undefined) setToken(cx, r, "wait", durationOf(cx, sub(action, "duration"), [...p, "wait"]), p, tok(action, "Wait"), sub(action, "duration"));
        put(cx, step, "require", r, p, startOf(keyword), endOf(keyword));
        break;
      }
      case "deliverAction": {
        const p = [...at, "deliver"];
        cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
        const d: Obj = {};
        const ref = sub(action, "qualifiedRef");
        setToken(cx, d, "operation", qualifiedOf(cx, ref, [...p, "operation"]), p, undefined, ref);
        if (tok(action, "Using") !== undefined) setToken(cx, d, "mapping", nameOf(cx, names[0], [...p, "mapping"]), p, tok(action, "Using"), names[0]);
        put(cx, step, "deliver", d, p, startOf(keyword), endOf(keyword));
        break;
      }
      case "emitAction": {
        const p = [...at, "emit"];
        cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
        const e: Obj = {};
        setToken(cx, e, "event", nameOf(cx, names[0], [...p, "event"]), p, undefined, names[0]);
        if (names[1] !== undefined) setToken(cx, e, "entity", nameOf(cx, names[1], [...p, "entity"]), p, undefined, names[1]);
        put(cx, step, "emit", e, p, startOf(keyword), endOf(keyword));
        break;
      }
      case "genericStep": {
        const block = sub(action, "block");
        if (block !== undefined) blockOf(cx, block, at, step);
        break;
      }
    }
  }
  if (label !== undefined) setToken(cx, step, "id", nameOf(cx, label, [...at, "id"]), at, undefined, label);
  for (const modifier of subs(node, "stepModifier")) {
    const when = tok(modifier, "When");
    if (when !== undefined) setToken(cx, step, "when", jsonataOf(cx, sub(modifier, "jsonata"), [...at, "when"]), at, when, sub(modifier, "jsonata"));
    const note = sub(modifier, "note");
    if (note !== undefined) noteInto(cx, step, note, at);
  }
  return step;
}

function noteInto(cx: Lowering, target: Obj, note: CstNode, at: Path): void {
  const s = tok(note, "StringLiteral");
  if (s === undefined) return;
  setToken(cx, target, "description", stringOf(cx, s, [...at, "description"]), at, tok(note, "Note"), s);
}

function qualifiedOf(cx: Lowering, node: CstNode | undefined, at: Path): string {
  const s = tok(node, "StringLiteral");
  if (s !== undefined) return stringOf(cx, s, at);
  return [tok(node, "Identifier")?.image ?? "", ...toks(node, "Word").map((w) => w.image)].join(".");
}

function listOf(cx: Lowering, nodes: CstNode[], at: Path, read: (n: CstNode, p: Path) => string): string[] {
  return nodes.map((n, i) => {
    cx.rec.range([...at, i], startOf(n), endOf(n));
    return read(n, [...at, i]);
  });
}

function routeStatement(cx: Lowering, node: RouteStatementCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const choice = only(node);
  if (choice === undefined || isToken(choice[1])) return;
  const [kind, s] = choice;
  const start = startOf(s);
  const end = endOf(s);
  const keyword = only(s)?.[1];
  const kw = keyword !== undefined && isToken(keyword) ? keyword : undefined;
  switch (kind) {
    case "onClause": {
      const trigger = objectAt(cx, spec, "trigger", ["spec", "trigger"], start, end);
      const at = ["spec", "trigger"];
      if (tok(s, "Canonical") !== undefined) {
        cx.rec.statement([...at, "canonical"], start, end);
        setToken(cx, trigger, "canonical", nameOf(cx, sub(s, "name"), [...at, "canonical"]), at, tok(s, "On"), sub(s, "name"));
      } else if (tok(s, "Schedule") !== undefined) {
        cx.rec.statement([...at, "schedule"], start, end);
        const str = tok(s, "StringLiteral");
        setToken(cx, trigger, "schedule", str === undefined ? "" : stringOf(cx, str, [...at, "schedule"]), at, tok(s, "On"), str);
      } else {
        cx.rec.statement([...at, "event"], start, end);
        const ref = sub(s, "qualifiedRef");
        setToken(cx, trigger, "event", qualifiedOf(cx, ref, [...at, "event"]), at, tok(s, "On"), ref);
      }
      break;
    }
    case "whenClause": {
      const trigger = objectAt(cx, spec, "trigger", ["spec", "trigger"], start, end);
      cx.rec.statement(["spec", "trigger", "when"], start, end);
      setToken(cx, trigger, "when", jsonataOf(cx, sub(s, "jsonata"), ["spec", "trigger", "when"]), ["spec", "trigger"], kw, sub(s, "jsonata"));
      break;
    }
    case "keyClause":
    case "orderClause": {
      const key = kind === "keyClause" ? "idempotencyKey" : "orderingKey";
      const at = ["spec", key];
      cx.rec.statement(at, start, end);
      const list = sub(s, "pathList");
      cx.rec.range(at, startOf(list), endOf(list), start, endOf(kw));
      put(cx, spec, key, listOf(cx, subs(list, "path"), at, (n, p) => pathOf(cx, n, p)), at, start, endOf(kw));
      break;
    }
    case "stepsClause": {
      const at = ["spec", "steps"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, startOf(sub(s, "stepBlock")), end, start, endOf(kw));
      put(cx, spec, "steps", stepsOf(cx, sub(s, "stepBlock"), at), at, start, endOf(kw));
      break;
    }
    case "retryClause": {
      const at = ["spec", "policies", "retry"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const r: Obj = {};
      const durations = subs(s, "duration");
      const words = toks(s, "Word");
      setToken(cx, r, "maxAttempts", numberOf(tok(s, "NumberLike")), at, undefined, tok(s, "NumberLike"));
      setToken(cx, r, "backoff", words[0]?.image ?? "", at, undefined, words[0]);
      setToken(cx, r, "initialDelay", durationOf(cx, durations[0], [...at, "initialDelay"]), at, undefined, durations[0]);
      setToken(cx, r, "maxDelay", durationOf(cx, durations[1], [...at, "maxDelay"]), at, undefined, durations[1]);
      if (words[1] !== undefined) setToken(cx, r, "jitter", words[1].image, at, tok(s, "Jitter"), words[1]);
      put(cx, objectAt(cx, spec, "policies", ["spec", "policies"], start, end), "retry", r, at, start, endOf(kw));
      break;
    }
    case "timeoutClause": {
      const at = ["spec", "policies"];
      cx.rec.statement([...at, "timeout"], start, end);
      setToken(cx, objectAt(cx, spec, "policies", ["spec", "policies"], start, end), "timeout", durationOf(cx, sub(s, "duration"), [...at, "timeout"]), at, kw, sub(s, "duration"));
      break;
    }
    case "breakerClause": {
      const at = ["spec", "policies", "circuitBreaker"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const b: Obj = {};
      const numbers = toks(s, "NumberLike");
      setToken(cx, b, "failureThreshold", numberOf(numbers[0]), at, undefined, numbers[0]);
      setToken(cx, b, "resetAfter", durationOf(cx, sub(s, "duration"), [...at, "resetAfter"]), at, tok(s, "Reset"), sub(s, "duration"));
      setToken(cx, b, "halfOpenProbes", numberOf(numbers[1]), at, tok(s, "Probes"), numbers[1]);
      put(cx, objectAt(cx, spec, "policies", ["spec", "policies"], start, end), "circuitBreaker", b, at, start, endOf(kw));
      break;
    }
    case "deadLetterClause": {
      const at = ["spec", "policies", "deadLetter"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const d: Obj = {};
      setToken(cx, d, "queue", nameOf(cx, sub(s, "name"), [...at, "queue"]), at, undefined, sub(s, "name"));
      put(cx, objectAt(cx, spec, "policies", ["spec", "policies"], start, end), "deadLetter", d, at, start, endOf(kw));
      break;
    }
    case "exceptionsClause": {
      const at = ["spec", "policies", "exceptions"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const e: Obj = {};
      const names = subs(s, "name");
      setToken(cx, e, "queue", nameOf(cx, names[0], [...at, "queue"]), at, undefined, names[0]);
      setToken(cx, e, "owner", nameOf(cx, names[1], [...at, "owner"]), at, tok(s, "Owner"), names[1]);
      if (tok(s, "Sla") !== undefined) setToken(cx, e, "sla", durationOf(cx, sub(s, "duration"), [...at, "sla"]), at, tok(s, "Sla"), sub(s, "duration"));
      put(cx, objectAt(cx, spec, "policies", ["spec", "policies"], start, end), "exceptions", e, at, start, endOf(kw));
      break;
    }
    case "slaClause": {
      const at = ["spec", "sla"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const sla: Obj = {};
      setToken(cx, sla, "within", durationOf(cx, sub(s, "duration"), [...at, "within"]), at, undefined, sub(s, "duration"));
      const note = sub(s, "note");
      if (note !== undefined) noteInto(cx, sla, note, at);
      put(cx, spec, "sla", sla, at, start, endOf(kw));
      break;
    }
    case "guardClause": {
      const at = ["spec", "guard"];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const list = sub(s, "nameList");
      const origins = listOf(cx, subs(list, "name"), [...at, "ignoreOrigin"], (n, p) => nameOf(cx, n, p));
      cx.rec.range([...at, "ignoreOrigin"], startOf(list), endOf(list), startOf(tok(s, "Ignore")), endOf(tok(s, "Origin")));
      put(cx, spec, "guard", { ignoreOrigin: origins }, at, start, endOf(kw));
      break;
    }
    case "plainEntry":
      plainEntry(cx, s, spec, metadata);
      break;
  }
}

// ---- mappings ---------------------------------------------------------------------------

function mappingStatement(cx: Lowering, node: MappingStatementCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const choice = only(node);
  if (choice === undefined || isToken(choice[1])) return;
  const [kind, s] = choice;
  const start = startOf(s);
  const end = endOf(s);
  const keyword = only(s)?.[1];
  const kw = keyword !== undefined && isToken(keyword) ? keyword : undefined;
  switch (kind) {
    case "fromClause":
    case "toClause": {
      const key = kind === "fromClause" ? "source" : "target";
      const at = ["spec", key];
      cx.rec.statement(at, start, end);
      const ref = sub(s, "shapeRef");
      cx.rec.range(at, startOf(ref), endOf(ref), start, endOf(kw));
      const first = nameOf(cx, sub(ref, "name"), [...at, "entity"]);
      const second = tok(ref, "Word") ?? tok(ref, "StringLiteral");
      let shape: Obj;
      if (second === undefined) {
        shape = { entity: first };
        cx.rec.range([...at, "entity"], startOf(ref), endOf(ref));
      } else {
        const schema = second.tokenType.name === "StringLiteral" ? stringOf(cx, second, [...at, "schema"]) : second.image;
        shape = { system: first, schema };
        cx.rec.range([...at, "system"], startOf(sub(ref, "name")), endOf(sub(ref, "name")));
        cx.rec.range([...at, "schema"], startOf(second), endOf(second));
      }
      put(cx, spec, key, shape, at, start, endOf(kw));
      break;
    }
    case "lookupClause": {
      const names = subs(s, "name");
      const lookups = objectAt(cx, spec, "lookups", ["spec", "lookups"], start, end);
      const name = nameOf(cx, names[0], []);
      const at = ["spec", "lookups", name];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, startOf(names[0]), endOf(names[0]));
      const l: Obj = {};
      setToken(cx, l, "kind", tok(s, "Word")?.image ?? "", at, undefined, tok(s, "Word"));
      setToken(cx, l, "entity", nameOf(cx, names[1], [...at, "entity"]), at, undefined, names[1]);
      let next = 2;
      if (tok(s, "From") !== undefined) {
        setToken(cx, l, "from", nameOf(cx, names[next], [...at, "from"]), at, tok(s, "From"), names[next]);
        next++;
      }
      if (tok(s, "To") !== undefined) setToken(cx, l, "to", nameOf(cx, names[next], [...at, "to"]), at, tok(s, "To"), names[next]);
      const note = sub(s, "note");
      if (note !== undefined) noteInto(cx, l, note, at);
      put(cx, lookups, name, l, at, startOf(names[0]), endOf(names[0]));
      break;
    }
    case "testClause": {
      const tests = arrayAt(cx, spec, "tests", ["spec", "tests"], start, end);
      const at = ["spec", "tests", tests.length];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const test: Obj = {};
      setToken(cx, test, "name", textOf(cx, sub(s, "text"), [...at, "name"]), at, kw, sub(s, "text"));
      const block = sub(s, "block");
      if (block !== undefined) blockOf(cx, block, at, test);
      tests.push(test);
      break;
    }
    case "plainEntry":
      plainEntry(cx, s, spec, metadata);
      break;
  }
}

// ---- ownership --------------------------------------------------------------------------

function ownershipList(cx: Lowering, s: CstNode, key: string, spec: Obj, kw: IToken | undefined): void {
  const at = ["spec", key];
  const start = startOf(s);
  cx.rec.statement(at, start, endOf(s));
  const list = sub(s, "nameList");
  cx.rec.range(at, startOf(list), endOf(list), start, endOf(tok(s, "By") ?? tok(s, "To")));
  put(cx, spec, key, listOf(cx, subs(list, "name"), at, (n, p) => nameOf(cx, n, p)), at, start, endOf(kw));
}

function ownershipStatement(cx: Lowering, node: OwnershipStatementCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const choice = only(node);
  if (choice === undefined || isToken(choice[1])) return;
  const [kind, s] = choice;
  const start = startOf(s);
  const end = endOf(s);
  const keyword = only(s)?.[1];
  const kw = keyword !== undefined && isToken(keyword) ? keyword : undefined;
  const names = subs(s, "name");
  switch (kind) {
    case "entityClause":
      cx.rec.statement(["spec", "entity"], start, end);
      setToken(cx, spec, "entity", nameOf(cx, names[0], ["spec", "entity"]), ["spec"], kw, names[0]);
      setToken(cx, spec, "systemOfRecord", nameOf(cx, names[1], ["spec", "systemOfRecord"]), ["spec"], tok(s, "Owned"), names[1]);
      break;
    case "createdClause":
      ownershipList(cx, s, "create", spec, kw);
      break;
    case "updatedClause":
      ownershipList(cx, s, "update", spec, kw);
      break;
    case "replicatedClause":
      ownershipList(cx, s, "replicas", spec, kw);
      break;
    case "fieldClause": {
      const fields = objectAt(cx, spec, "fields", ["spec", "fields"], start, end);
      const pathNode = sub(s, "path");
      const field = pathOf(cx, pathNode, []);
      const at = ["spec", "fields", field];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, startOf(pathNode), endOf(pathNode));
      const block = sub(s, "block");
      let f: Obj;
      if (block !== undefined) f = blockOf(cx, block, at);
      else {
        f = {};
        setToken(cx, f, "systemOfRecord", nameOf(cx, names[0], [...at, "systemOfRecord"]), at, tok(s, "Owned"), names[0]);
        const list = sub(s, "nameList");
        if (list !== undefined) {
          cx.rec.range([...at, "update"], startOf(list), endOf(list), startOf(tok(s, "Updated")), endOf(tok(s, "Updated")));
          f["update"] = listOf(cx, subs(list, "name"), [...at, "update"], (n, p) => nameOf(cx, n, p));
        }
      }
      put(cx, fields, field, f, at, startOf(pathNode), endOf(pathNode));
      break;
    }
    case "plainEntry":
      plainEntry(cx, s, spec, metadata);
      break;
  }
}

// ---- documents --------------------------------------------------------------------------

/** Lowers one `document` node to a spec document value. */
export function lowerDocument(document: DocumentCstNode, rec: Recorder): Obj {
  const cx: Lowering = { rec };
  const choice = only(document);
  const node = choice !== undefined && !isToken(choice[1]) ? choice[1] : document;
  const ruleName = choice?.[0] ?? "";
  const kindToken = ruleName === "genericDocument" ? (only(node)?.[1] as IToken | undefined) : (only(node)?.[1] as IToken | undefined);
  const kind =
    KIND_OF_RULE[ruleName] ??
    (kindToken !== undefined && isToken(kindToken) ? kindToken.image.charAt(0).toUpperCase() + kindToken.image.slice(1) : "");
  rec.range([], startOf(node), endOf(node));
  rec.range(["kind"], startOf(kindToken), endOf(kindToken));
  rec.range(["apiVersion"], startOf(kindToken), endOf(kindToken));
  rec.statement([], startOf(node), endOf(node));

  const header = sub(node, "header");
  const metadata: Obj = {};
  const headerNames = subs(header, "name");
  rec.range(["metadata"], startOf(header), endOf(header));
  setToken(cx, metadata, "name", nameOf(cx, headerNames[0], ["metadata", "name"]), ["metadata"], undefined, headerNames[0]);
  const version = tok(header, "NumberLike") ?? tok(header, "StringLiteral");
  if (version !== undefined) {
    const text = version.tokenType.name === "NumberLike" ? version.image : stringOf(cx, version, ["metadata", "version"]);
    setToken(cx, metadata, "version", text, ["metadata"], tok(header, "Version"), version);
  }
  if (headerNames[1] !== undefined) setToken(cx, metadata, "team", nameOf(cx, headerNames[1], ["metadata", "team"]), ["metadata"], tok(header, "Team"), headerNames[1]);

  const spec: Obj = {};
  rec.range(["spec"], startOf(node), endOf(node));
  if (ruleName === "genericDocument") {
    const block = sub(node, "block");
    if (block !== undefined) {
      blockOf(cx, block, ["spec"], spec, (key) => (METADATA_ENTRIES.has(key) ? metadata : undefined));
      rec.blockEnd([], tok(block, "RCurly")?.startOffset ?? endOf(node));
    }
  } else {
    const statement = ruleName === "routeDocument" ? routeStatement : ruleName === "mappingDocument" ? mappingStatement : ownershipStatement;
    const statementRule = ruleName.replace("Document", "Statement");
    for (const s of subs(node, statementRule)) statement(cx, s, spec, metadata);
    rec.blockEnd([], tok(node, "RCurly")?.startOffset ?? endOf(node));
  }
  return { apiVersion: API_VERSION, kind, metadata, spec };
}
