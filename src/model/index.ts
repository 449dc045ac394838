/** The spec model: one schema per kind, and the types derived from them. */
export { API_VERSION } from "./common.ts";
export type { EntityDocument, EntitySpec, Field, FieldType } from "./entity.ts";
export type { JsonSchema } from "./json-schema.ts";
export { type AnyDocument, type DocumentOf, KIND_NAMES, KINDS, type KindName, publishedSchema, schemaFileName } from "./kinds.ts";
export type { MappingDocument, MappingSpec, Shape } from "./mapping.ts";
export type { OwnershipDocument, OwnershipSpec } from "./ownership.ts";
export type { PolicyDocument, PolicySpec } from "./policy.ts";
export type { ReconciliationDocument, ReconciliationSpec } from "./reconciliation.ts";
export { STEP_ACTIONS, type RetryPolicy, type RouteDocument, type RouteSpec, type Step, type StepActionName } from "./route.ts";
export type { Operation, SystemDocument, SystemEvent, SystemSpec } from "./system.ts";
export { CONFIG_FILE_NAME, ProjectConfig } from "./config.ts";
