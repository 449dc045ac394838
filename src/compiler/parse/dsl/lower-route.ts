/** Lowering route statements and steps: `on`, `key`, `steps { ... }`, `retry` and the rest. */
import type { CstNode, IToken } from "chevrotain";
import { stepDslOfRule } from "../../../steps/dsl-registry.ts";
import type { RouteStatementCstNode, StepCstNode } from "./cst-types.ts";
import { blockOf, durationOf, endOf, isToken, jsonataOf, listOf, type Lowering, nameOf, noteInto, numberOf, type Obj, objectAt, only, type Path, pathOf, plainEntry, put, qualifiedOf, setToken, startOf, statementOf, stringOf, sub, subs, tok, toks } from "./lowering.ts";

/** The steps of a `{ ... }` step block. */
function stepsOf(cx: Lowering, block: CstNode | undefined, at: Path): unknown[] {
  const steps = subs(block, "step").map((step, i) => stepOf(cx, step, [...at, i]));
  const close = tok(block, "RCurly");
  if (close !== undefined) cx.rec.blockEnd(at, close.startOffset);
  return steps;
}

/** One step: its label, its action (lowered by its kind's DSL half, src/steps/<kind>/dsl.ts) and modifiers. */
function stepOf(cx: Lowering, node: StepCstNode | CstNode, at: Path): Obj {
  cx.rec.statement(at, startOf(node), endOf(node));
  cx.rec.range(at, startOf(node), endOf(node));
  const step: Obj = {};
  const label = sub(node, "name");
  const actionChoice = only(sub(node, "stepAction"));
  if (actionChoice !== undefined && !isToken(actionChoice[1])) {
    const [kind, action] = actionChoice;
    const keyword = (action.children[Object.keys(action.children)[0] ?? ""]?.[0] as IToken | undefined) ?? undefined;
    const dsl = stepDslOfRule(kind);
    if (dsl !== undefined) dsl.lower({ cx, action, at, step, keyword, steps: (block, nested) => stepsOf(cx, block, nested) });
    else if (kind === "genericStep") {
      const block = sub(action, "block");
      if (block !== undefined) blockOf(cx, block, at, step);
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




/** Lowers one statement of a route body into `spec` (and `metadata`). */
export function routeStatement(cx: Lowering, node: RouteStatementCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const statement = statementOf(node);
  if (statement === undefined) return;
  const { kind, s, start, end, kw } = statement;
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
