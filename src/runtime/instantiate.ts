/**
 * `instantiateSpecSet`: a lowered spec set made runnable in memory, each reference compiled where
 * it stands (JSONata into transforms, JSON Schemas into validators). It is what `spec run
 * --compile` and tests use instead of the generated modules; the values are the lowering's, so
 * they are the ones `spec compile` prints.
 */
import type { CompiledSpecSet, Transform, Validator } from "../pipeline/definitions.ts";
import { LOWERED, type LoweredRef, type LoweredSpecSet, replaceRefs } from "../pipeline/lowered.ts";
import { compileTransform } from "./expression.ts";
import { compileValidator } from "./validators.ts";

/** Compiles every reference of a lowered spec set; mapping references share one transform each. */
export function instantiateSpecSet(lowered: LoweredSpecSet): CompiledSpecSet {
  const transforms: Record<string, Transform> = {};
  for (const [name, ref] of Object.entries(lowered.transforms)) transforms[name] = compileTransform(name, ref.source);
  const validators: Record<string, Validator> = {};
  for (const [name, ref] of Object.entries(lowered.validators)) validators[name] = compileValidator(ref.schema);
  const replace = (ref: LoweredRef): Transform | Validator => {
    switch (ref[LOWERED]) {
      case "expression":
        return compileTransform(ref.name, ref.source);
      case "mapping":
        return transforms[ref.mapping] ?? compileTransform(ref.mapping, ref.source);
      case "entity":
        return validators[ref.entity] ?? compileValidator(ref.schema);
      case "schema":
        return compileValidator(ref.json, { ...ref.definitions });
    }
  };
  return {
    systems: replaceRefs(lowered.systems, replace) as CompiledSpecSet["systems"],
    pipelines: replaceRefs(lowered.pipelines, replace) as CompiledSpecSet["pipelines"],
    transforms,
    validators,
  };
}
