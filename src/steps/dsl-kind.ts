/**
 * The DSL half of a step kind: the keyword that starts the step, how its parsed action becomes the
 * model's step (with source ranges for diagnostics), and how `spec fmt` prints it back. The
 * grammar rule itself (`<kind>Action` in src/compiler/parse/dsl/parser.ts) and the keyword's token
 * (src/compiler/parse/dsl/tokens.ts) stay in the parser: Chevrotain builds a parser from its class
 * members and a fixed token list.
 */
import type { CstNode, IToken } from "chevrotain";
import type { Lowering, Obj, Path } from "../compiler/parse/dsl/lowering.ts";
import type { StepActionName } from "../model/index.ts";

/** What a kind's DSL lowering works with: the parsed action and the step being built. */
export interface StepDslLowering {
  cx: Lowering;
  /** The `<kind>Action` node. */
  action: CstNode;
  /** The step's path in the document. */
  at: Path;
  /** The model's step, which the lowering adds the kind's member to. */
  step: Obj;
  /** The keyword that started the action. */
  keyword: IToken | undefined;
  /** Lowers a nested `{ ... }` step block (a branch's). */
  steps(block: CstNode | undefined, at: Path): unknown[];
}

/** Where a kind prints its step: the step's line start, modifiers and comments, and the printer's output. */
export interface StepPrint {
  indent: string;
  /** `<id>: `, or nothing for a step without an id. */
  label: string;
  /** The step's `when {{ ... }}` and `note "..."`, to follow the action. */
  modifiers: string;
  /** The step's path in the document. */
  at: Path;
  push(line: string): void;
  pop(): string;
  /** The trailing comment of the statement at `at`, with its leading spaces. */
  trail(at: Path): string;
  /** Prints the comments that lead the statement at `at`. */
  lead(at: Path, indent: string): void;
  /** Prints a statement whose text may span lines, with its comments. */
  statement(at: Path, indent: string, content: string): void;
  /** The comments written before the closing brace of the block at `at`. */
  dangling(at: Path): string[];
  /** Prints a nested list of steps and its closing brace. */
  steps(at: Path, steps: unknown[], indent: string): void;
}

/** How the DSL reads and prints one step kind. */
export interface StepDsl<K extends StepActionName> {
  kind: K;
  /** The word that starts the step. */
  keyword: string;
  /** The parser rule of the step's action. */
  rule: `${K}Action`;
  /** Adds the kind's member to the step from the parsed action, recording where each value came from. */
  lower(lowering: StepDslLowering): void;
  /** Whether the kind's member has the shape the step's statement prints; otherwise the step prints as entries. */
  fits(value: unknown): boolean;
  /** Prints the step; `value` is the kind's member, which `fits` accepted. */
  print(out: StepPrint, value: unknown): void;
}
