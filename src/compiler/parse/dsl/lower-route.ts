/** Lowering route statements and steps: `on`, `key`, `steps { ... }`, `retry` and the rest. */
import type { CstNode, IToken } from "chevrotain";
import type { RouteStatementCstNode, StepCstNode } from "./cst-types.ts";
import { blockOf, durationOf, endOf, isToken, jsonataOf, listOf, type Lowering, nameOf, noteInto, numberOf, type Obj, objectAt, only, type Path, pathOf, plainEntry, put, qualifiedOf, setToken, startOf, statementOf, stringOf, sub, subs, textOf, tok, toks } from "./lowering.ts";

/** The steps of a `{ ... }` step block. */
function stepsOf(cx: Lowering, block: CstNode | undefined, at: Path): unknown[] {
  const steps = subs(block, "step").map((step, i) => stepOf(cx, step, [...at, i]));
  const close = tok(block, "RCurly");
  if (close !== undefined) cx.rec.blockEnd(at, close.startOffset);
  return steps;
}


/** One step: its label, action and modifiers. */
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
        const keys = subs(sub(action, "pathList"), "path");
        const key = keys.length === 1 ? pathOf(cx, keys[0], [...p, "key"]) : listOf(cx, keys, [...p, "key"], (n, kp) => pathOf(cx, n, kp));
        setToken(cx, e, "key", key, p, tok(action, "By"), sub(action, "pathList"));
        if (tok(action, "On") !== undefined) setToken(cx, e, "asOf", pathOf(cx, sub(action, "path"), [...p, "asOf"]), p, tok(action, "On"), sub(action, "path"));
        if (tok(action, "Wait") !== undefined) setToken(cx, e, "wait", durationOf(cx, sub(action, "duration"), [...p, "wait"]), p, tok(action, "Wait"), sub(action, "duration"));
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
        const params = subs(action, "deliverParam");
        if (params.length > 0) {
          const pp = [...p, "params"];
          const o = objectAt(cx, d, "params", pp, startOf(tok(action, "With")), endOf(params[params.length - 1]));
          for (const param of params) {
            const label = sub(param, "name");
            const expression = sub(param, "jsonata");
            const where = [...pp, nameOf(cx, label, pp)];
            cx.rec.range(where, startOf(expression), endOf(expression), startOf(label), endOf(label));
            put(cx, o, where[where.length - 1] as string, jsonataOf(cx, expression, where), where, startOf(label), endOf(label));
          }
        }
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
