/**
 * The DSL's registry of step kinds: one entry per kind, each from its folder's dsl.ts. The step
 * lowering and `spec fmt` go through these entries, and the parser's messages list their keywords.
 * A kind missing here is a type error.
 */
import type { StepActionName } from "../model/index.ts";
import { branchDsl } from "./branch/dsl.ts";
import { classifyDsl } from "./classify/dsl.ts";
import { deliverDsl } from "./deliver/dsl.ts";
import type { StepDsl } from "./dsl-kind.ts";
import { emitDsl } from "./emit/dsl.ts";
import { keepDsl } from "./keep/dsl.ts";
import { enrichDsl } from "./enrich/dsl.ts";
import { mapDsl } from "./map/dsl.ts";
import { rejectDsl } from "./reject/dsl.ts";
import { requireDsl } from "./require/dsl.ts";
import { validateDsl } from "./validate/dsl.ts";

/** Every step kind's DSL half, by kind. */
export const STEP_DSL: { readonly [K in StepActionName]: StepDsl<K> } = {
  validate: validateDsl,
  map: mapDsl,
  enrich: enrichDsl,
  classify: classifyDsl,
  branch: branchDsl,
  require: requireDsl,
  deliver: deliverDsl,
  reject: rejectDsl,
  emit: emitDsl,
  keep: keepDsl,
};

const BY_RULE = new Map<string, StepDsl<StepActionName>>(Object.values(STEP_DSL).map((dsl) => [dsl.rule, dsl as StepDsl<StepActionName>]));

/** The DSL half whose action rule is `rule`, if a step kind's. */
export function stepDslOfRule(rule: string): StepDsl<StepActionName> | undefined {
  return BY_RULE.get(rule);
}

/** The words a step starts with, for messages: every kind's keyword, then `step { ... }`. */
export function stepWords(): string {
  return `${Object.values(STEP_DSL).map((dsl) => dsl.keyword).join(", ")} or step { ... }`;
}
