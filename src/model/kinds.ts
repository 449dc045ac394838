/**
 * The registry of kinds: each kind's envelope schema, in one array. Adding a kind means writing
 * its model file and adding it here and to KIND_NAMES; `npm run schemas` prints the schema files
 * the validator reads, and a test fails when they are stale.
 */
import type { TSchema } from "@sinclair/typebox";
import type { KindName } from "./constants.ts";
import { EntityDocument } from "./entity.ts";
import { MappingDocument } from "./mapping.ts";
import { OwnershipDocument } from "./ownership.ts";
import { PolicyDocument } from "./policy.ts";
import { ReconciliationDocument } from "./reconciliation.ts";
import { RouteDocument } from "./route.ts";
import { SystemDocument } from "./system.ts";
import { ProjectConfig } from "./config.ts";

/** Every kind with its schema, in the order of KIND_NAMES. */
export const KINDS = [
  { kind: "System", schema: SystemDocument },
  { kind: "Entity", schema: EntityDocument },
  { kind: "Ownership", schema: OwnershipDocument },
  { kind: "Mapping", schema: MappingDocument },
  { kind: "Route", schema: RouteDocument },
  { kind: "Reconciliation", schema: ReconciliationDocument },
  { kind: "Policy", schema: PolicyDocument },
] as const satisfies readonly { kind: KindName; schema: TSchema }[];

/** A schema as published: draft-07, with the builder's bookkeeping removed. */
export function publish(schema: TSchema): Record<string, unknown> {
  return { $schema: "http://json-schema.org/draft-07/schema#", ...(JSON.parse(JSON.stringify(schema)) as object) };
}

/** Every published schema file's name and content, as `npm run schemas` writes them. */
export function publishedSchemas(): { kind: KindName | "config"; schema: Record<string, unknown> }[] {
  return [...KINDS.map((k) => ({ kind: k.kind, schema: publish(k.schema) })), { kind: "config" as const, schema: publish(ProjectConfig) }];
}
