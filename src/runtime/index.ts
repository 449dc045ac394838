/**
 * `syncspec/runtime`: the package entry a service imports. It hosts compiled pipelines
 * (`createRuntime`) over a store (SQLite by default, PostgreSQL for many workers), and re-exports
 * the pipeline contract the generated code is typed against.
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
} from "./pipeline.ts";
export { durationMs } from "./pipeline.ts";
