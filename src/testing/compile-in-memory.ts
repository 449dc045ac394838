/**
 * A loaded program's spec set lowered and compiled in memory: for tests that build spec sets of
 * their own, without writing generated modules. `spec run` executes the generated modules instead.
 */
import type { Program } from "../compiler/program.ts";
import { lowerSpecSet } from "../compiler/lower/lower.ts";
import type { CompiledSpecSet } from "../pipeline/definitions.ts";
import type { ReconciliationDefinition } from "../pipeline/lowered.ts";
import { instantiateSpecSet } from "../runtime/instantiate.ts";

/** The compiled spec set of a program that loaded without errors. */
export function compileInMemory(program: Pick<Program, "set" | "config">): CompiledSpecSet {
  return instantiateSpecSet(lowerSpecSet(program.set, program.config.root));
}

/** The reconciliations of a program that loaded without errors. */
export function reconciliationsOf(program: Pick<Program, "set" | "config">): ReconciliationDefinition[] {
  return [...lowerSpecSet(program.set, program.config.root).reconciliations];
}
