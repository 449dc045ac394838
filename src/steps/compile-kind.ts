/**
 * The compiler half of a step kind: the checks a step of that kind needs (the names it references,
 * the expressions it holds, how it changes the record for the steps after it), its lowering to a
 * pipeline step, and the sentence `spec docs` writes for it. This side imports the compiler and
 * the pipeline contract, never the runtime.
 */
import type { CheckContext } from "../compiler/check/report.ts";
import type { StepScope } from "../compiler/check/route-records.ts";
import type { BoundDocument } from "../compiler/check/spec-set.ts";
import type { PathSegment } from "../compiler/parse/document.ts";
import type { Step, StepActionName } from "../model/index.ts";
import type { PipelineStep } from "../pipeline/definitions.ts";
import type { EntityValidatorRef, ExpressionRef, LoweredTransform, LoweredValidator, MappingRef } from "../pipeline/lowered.ts";

/** A step kind's member of a step, as the spec declares it. */
export type StepSpecOf<K extends StepActionName> = NonNullable<Step[K]>;

/** A pipeline step of one kind, as the lowering builds it. */
export type LoweredStepOf<K extends StepActionName> = Extract<PipelineStep<LoweredTransform, LoweredValidator>, { kind: K }>;

/** What a kind's lowering returns: its step without the id, condition and kind the lowering adds. */
export type LoweredFieldsOf<K extends StepActionName> = Omit<LoweredStepOf<K>, "id" | "when" | "kind">;

/** What a step's checks work with: the route, and the reference checks every kind shares. */
export interface StepCheck {
  cx: CheckContext;
  doc: BoundDocument<"Route">;
  /** Reports `name` at `at` unless it is an entity; true when it is. */
  entity(at: PathSegment[], name: string): boolean;
  /** Reports `name` at `at` unless it is a system; true when it is. */
  system(at: PathSegment[], name: string): boolean;
  /** Reports `name` at `at` unless it is a mapping; true when it is. */
  mapping(at: PathSegment[], name: string): boolean;
  /** Reports `qualified` at `at` unless it is `system.operation`; the system and operation when it is. */
  operation(at: PathSegment[], qualified: string): { system: string; operation: string } | undefined;
}

/** A lookup an enrich step provides to the mappings after it, under its `as` name. */
export interface ProvidedLookup {
  as: string;
  entity: string;
  from?: string;
  to?: string;
}

/** What record-flow hooks work with: the check context, and a walk over nested steps. */
export interface RecordFlow {
  cx: CheckContext;
  /** Walks nested steps from `scope` (visiting each) and returns the scope after the last. */
  walk(steps: readonly Step[], at: PathSegment[], scope: StepScope): StepScope;
}

/** What a kind's lowering works with: the route's expressions, mappings, validators and nested steps. */
export interface StepLowering {
  route: string;
  /** A JSONata expression named by the step (`<id>.<field>`), never by position. */
  expression(at: string, source: string): ExpressionRef;
  /** A condition, when there is one. */
  condition(at: string, source: string | undefined): ExpressionRef | undefined;
  mapping(name: string): MappingRef;
  validator(entity: string): EntityValidatorRef;
  /** The identity fields of an entity. */
  identity(entity: string): readonly string[];
  /** Lowers nested steps; their default ids start with `prefix`. */
  steps(steps: readonly Step[], prefix: string): PipelineStep<LoweredTransform, LoweredValidator>[];
}

/** What a route's flowchart draws beside a step, besides its sentence. */
export interface StepDiagram {
  /** The system operation the step calls. */
  calls?: { system: string; operation: string };
  /** The canonical event the step emits. */
  emits?: string;
  /** The system the step waits on for a record of `entity`. */
  waitsFor?: { system: string; entity: string };
  /** The ways the flow forks into, each with its condition (none: the otherwise way); the flow joins after them. */
  ways?: { when?: string; steps: readonly Step[] }[];
}

/**
 * How the compiler treats one step kind. Every hook gets the step's path in the document (`at`),
 * and appends its own key to point into the step.
 */
export interface StepCompiler<K extends StepActionName> {
  kind: K;
  /** Checks the names the step references (entities, systems, mappings, operations). */
  checkReferences?(check: StepCheck, spec: StepSpecOf<K>, at: PathSegment[]): void;
  /** Checks the expressions the step holds against the record as it is where the step runs. */
  checkExpressions?(check: StepCheck, spec: StepSpecOf<K>, at: PathSegment[], scope: StepScope): void;
  /** The mappings the step applies, each with where it is named; their lookups must be provided before. */
  mappingsApplied?(spec: StepSpecOf<K>, at: PathSegment[]): [PathSegment[], string][];
  /** The lookup the step provides to the mappings after it. */
  lookupProvided?(spec: StepSpecOf<K>): ProvidedLookup;
  /** The step lists nested in the step, each with its path; they see what was provided before the step. */
  nestedSteps?(spec: StepSpecOf<K>, at: PathSegment[]): { steps: readonly Step[]; at: PathSegment[] }[];
  /** The scope after the step has run; the scope is unchanged when absent. Nested steps are walked here. */
  after?(flow: RecordFlow, spec: StepSpecOf<K>, step: Step, at: PathSegment[], scope: StepScope): StepScope;
  /** The step's own fields of its pipeline step: every default and duration decided here. */
  lower(lowering: StepLowering, spec: StepSpecOf<K>, id: string): LoweredFieldsOf<K>;
  /** The sentence `spec docs` writes for the step. */
  describe(spec: StepSpecOf<K>): string;
  /** What the step's node in a route's flowchart connects to; a plain node when absent. */
  diagram?(spec: StepSpecOf<K>): StepDiagram;
}
