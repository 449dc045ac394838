/** The emit step in the compiler: it may name the entity its canonical event carries. */
import type { StepCompiler } from "../compile-kind.ts";

/** The emit kind in the compiler. */
export const emitCompiler: StepCompiler<"emit"> = {
  kind: "emit",
  checkReferences(check, emit, at) {
    if (emit.entity !== undefined) check.entity([...at, "emit", "entity"], emit.entity);
  },
  lower: (_lowering, emit) => ({ event: emit.event, ...(emit.entity !== undefined ? { entity: emit.entity } : {}) }),
  describe: (emit) => `emit ${emit.event}`,
  diagram: (emit) => ({ emits: emit.event }),
};
