/**
 * The map step in the compiler: it names a mapping, whose lookups earlier enrich steps must
 * provide; after it the record is the mapping's target (unknown when the step has a condition,
 * since it may not have run).
 */
import { shapeOf } from "../../compiler/check/spec-set.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** The map kind in the compiler. */
export const mapCompiler: StepCompiler<"map"> = {
  kind: "map",
  checkReferences: (check, mapping, at) => void check.mapping([...at, "map"], mapping),
  mappingsApplied: (mapping, at) => [[[...at, "map"], mapping]],
  after(flow, name, step, _at, scope) {
    const mapping = flow.cx.set.mappings.get(name);
    const mapped = mapping === undefined ? undefined : shapeOf(flow.cx.set, mapping.value.spec.target);
    // A map step with a condition may or may not have run.
    return { ...scope, record: step.when === undefined ? mapped : undefined };
  },
  lower: (lowering, mapping) => ({ mapping, transform: lowering.mapping(mapping) }),
  describe: (mapping) => `map with ${mapping}`,
};
