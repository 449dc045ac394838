/**
 * The spec model as the compiler uses it: plain constants, the published schemas, and types.
 * The schema builder values themselves live in the kind files and are loaded only by
 * `npm run schemas` and the tests, so the CLI starts without them.
 */
export {
  API_VERSION,
  CONFIG_FILE_NAME,
  FIELD_TYPES,
  type FieldType,
  KIND_NAMES,
  type KindName,
  readPublishedSchema,
  SCHEMAS_DIR,
  STEP_ACTIONS,
  type StepActionName,
  schemaFileName,
} from "./constants.ts";
export type { ProjectConfig } from "./config.ts";
export type { EntityDocument, EntitySpec, Field } from "./entity.ts";
export type { JsonSchema } from "./json-schema.ts";
export type { MappingDocument, MappingSpec, Shape } from "./mapping.ts";
export type { OwnershipDocument, OwnershipSpec } from "./ownership.ts";
export type { PolicyDocument, PolicySpec } from "./policy.ts";
export type { ReconciliationDocument, ReconciliationSpec } from "./reconciliation.ts";
export type { RetryPolicy, RouteDocument, RouteSpec, Step } from "./route.ts";
export type { Operation, SystemDocument, SystemEvent, SystemSpec, WebhookAuthentication } from "./system.ts";
export type { AnyDocument, DocumentOf } from "./types.ts";
