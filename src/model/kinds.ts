/**
 * The registry of kinds: each kind's envelope schema, in one array. Adding a kind means writing
 * its model file and adding it here; the schema files, the validator and the binder's tables
 * follow from this list.
 */
import type { Static, TSchema } from "@sinclair/typebox";
import { EntityDocument } from "./entity.ts";
import { MappingDocument } from "./mapping.ts";
import { OwnershipDocument } from "./ownership.ts";
import { PolicyDocument } from "./policy.ts";
import { ReconciliationDocument } from "./reconciliation.ts";
import { RouteDocument } from "./route.ts";
import { SystemDocument } from "./system.ts";

/** Every kind of spec document, in the order the docs present them. */
export const KINDS = [
  { kind: "System", schema: SystemDocument },
  { kind: "Entity", schema: EntityDocument },
  { kind: "Ownership", schema: OwnershipDocument },
  { kind: "Mapping", schema: MappingDocument },
  { kind: "Route", schema: RouteDocument },
  { kind: "Reconciliation", schema: ReconciliationDocument },
  { kind: "Policy", schema: PolicyDocument },
] as const satisfies readonly { kind: string; schema: TSchema }[];

export type KindName = (typeof KINDS)[number]["kind"];

/** Maps a kind name to the static type of its whole document. */
export interface DocumentOf {
  System: Static<typeof SystemDocument>;
  Entity: Static<typeof EntityDocument>;
  Ownership: Static<typeof OwnershipDocument>;
  Mapping: Static<typeof MappingDocument>;
  Route: Static<typeof RouteDocument>;
  Reconciliation: Static<typeof ReconciliationDocument>;
  Policy: Static<typeof PolicyDocument>;
}

/** Any spec document, discriminated by `kind`. */
export type AnyDocument = DocumentOf[KindName];

export const KIND_NAMES: readonly KindName[] = KINDS.map((k) => k.kind);

/** The file name of a kind's published schema, relative to the schemas/ folder. */
export function schemaFileName(kind: KindName): string {
  return `${kind.toLowerCase()}.schema.json`;
}

/** A kind's schema as published: draft-07, with the TypeBox bookkeeping removed. */
export function publishedSchema(kind: KindName): Record<string, unknown> {
  const entry = KINDS.find((k) => k.kind === kind);
  if (entry === undefined) throw new Error(`unknown kind ${kind}`);
  return { $schema: "http://json-schema.org/draft-07/schema#", ...(JSON.parse(JSON.stringify(entry.schema)) as object) };
}
