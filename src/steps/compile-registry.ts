/**
 * The compiler's registry of step kinds: one entry per kind, each from its folder's compile.ts.
 * The checker, the lowering and `spec docs` go through these entries instead of switching on the
 * kinds; their order is the order a step's kinds are tried in. A kind missing here is a type error.
 */
import type { Step, StepActionName } from "../model/index.ts";
import type { StepCompiler } from "./compile-kind.ts";
import { branchCompiler } from "./branch/compile.ts";
import { classifyCompiler } from "./classify/compile.ts";
import { deliverCompiler } from "./deliver/compile.ts";
import { emitCompiler } from "./emit/compile.ts";
import { enrichCompiler } from "./enrich/compile.ts";
import { keepCompiler } from "./keep/compile.ts";
import { mapCompiler } from "./map/compile.ts";
import { rejectCompiler } from "./reject/compile.ts";
import { requireCompiler } from "./require/compile.ts";
import { validateCompiler } from "./validate/compile.ts";

/** Every step kind's compiler half, by kind. */
export const STEP_COMPILERS: { readonly [K in StepActionName]: StepCompiler<K> } = {
  validate: validateCompiler,
  map: mapCompiler,
  enrich: enrichCompiler,
  classify: classifyCompiler,
  branch: branchCompiler,
  require: requireCompiler,
  deliver: deliverCompiler,
  reject: rejectCompiler,
  emit: emitCompiler,
  keep: keepCompiler,
};

/** A kind a step declares, with its member of the step. */
export interface DeclaredKind<K extends StepActionName = StepActionName> {
  compiler: StepCompiler<K>;
  spec: NonNullable<Step[K]>;
}

/**
 * The kinds a step declares, in registry order, each with its compiler half and its member of the
 * step. A valid step declares exactly one; the checker reports any other count.
 */
export function declaredKinds(step: Step): DeclaredKind[] {
  const declared: DeclaredKind[] = [];
  for (const kind of Object.keys(STEP_COMPILERS) as StepActionName[]) {
    const spec = step[kind];
    if (spec !== undefined) declared.push({ compiler: STEP_COMPILERS[kind], spec } as DeclaredKind);
  }
  return declared;
}
