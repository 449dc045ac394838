/**
 * The pipeline contract as the runtime's modules import it: the definitions live in src/pipeline,
 * below both the compiler and the runtime, so that neither imports the other.
 */
export type {
  CompiledSpecSet,
  EventDefinition,
  OperationDefinition,
  PipelineDefinition,
  PipelinePolicies,
  PipelineStep,
  PipelineTrigger,
  RetrySettings,
  SystemDefinition,
  Transform,
  ValidationResult,
  Validator,
  ValueRef,
} from "../pipeline/definitions.ts";
export { durationMs, everyStep } from "../pipeline/definitions.ts";
