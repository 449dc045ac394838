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
export { durationMs, everyStep } from "./pipeline.ts";
export { instantiateSpecSet } from "./instantiate.ts";
export type { LoweredSpecSet } from "../pipeline/lowered.ts";
export { compileTransform, loadExpressionCompiler, useExpressionCompiler } from "./expression.ts";
export { type Clock, createRuntime, type EventSource, type OfferOptions, type OfferResult, type Runtime, type RuntimeOptions, type WorkCounts } from "./engine.ts";
export type { Cancel, Timers } from "./host.ts";
export type { LeaseCounts } from "./lease-keeper.ts";
export { type JsonLoggerOptions, jsonLogger, type LogFields, type Logger, type LogLevel, stderrLogger } from "./logger.ts";
export { createSqliteStore, type SqliteStoreOptions } from "./store/sqlite.ts";
export { createPostgresStore, type PostgresStoreOptions } from "./store/postgres.ts";
export type * from "./store/store.ts";
export {
  ConfigurationError,
  type ErrorDestination,
  IssueStateError,
  isRetryable,
  PollFailedError,
  RuntimeError,
  StepFailedError,
  StoreUnavailableError,
  TokenRequestError,
} from "./errors.ts";
export { assertCompiledBy, RUNTIME_VERSION } from "./compatibility.ts";
export { DEFAULT_RETRY, parseRetryAfter, retryDelay, retryPolicy, type RetryPolicy } from "./policies/retry.ts";
export { type BreakerSettings, type CircuitBreaker, createCircuitBreaker } from "./policies/circuit-breaker.ts";
export { createTokenBucket, type TokenBucket } from "./policies/rate-limit.ts";
export { fetchTransport, NetworkError, type TargetRequest, type TargetResponse, type Transport } from "./delivery/transport.ts";
export { valueResolver } from "./delivery/auth.ts";
export { createRedactor, REDACTED, type Redactor } from "./redact.ts";
export { createWebhookHandler, type WebhookHandler, type WebhookRequest } from "./intake/webhook.ts";
export { type IntakeServer, startIntakeServer } from "./intake/http-server.ts";
export { createPoller, type Poller } from "./intake/polling.ts";
export type { RouteSchedules, ScheduledOutcome, ScheduledRun } from "./engine/schedules.ts";
export { ingestNdjson, type NdjsonResult } from "./intake/ndjson.ts";
export { loadRunConfig, openStore, type RunConfig } from "./run-config.ts";
export { createLogSink, type LogDestination, type LogSink } from "./log/log-sink.ts";
export { LOG_LEVELS, type PinoLevel, type PinoLoggerOptions, type PinoRuntimeLogger, pinoLogger, REDACTED_PATHS } from "./log/pino-logger.ts";
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from "./observe/metrics-server.ts";
