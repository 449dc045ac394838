/**
 * The pipeline contract as the runtime's modules import it: the definitions live in src/pipeline,
 * below both the compiler and the runtime, so that neither imports the other.
 */
export type {
  CompiledSpecSet,
  EventDefinition,
  MeasureDefinition,
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
  WebhookAuthenticationDefinition,
} from "../pipeline/definitions.ts";
export { durationMs, everyStep } from "../pipeline/definitions.ts";
