/** The static types of every kind's document, derived from the schemas in this folder. */
import type { EntityDocument } from "./entity.ts";
import type { MappingDocument } from "./mapping.ts";
import type { OwnershipDocument } from "./ownership.ts";
import type { PolicyDocument } from "./policy.ts";
import type { ReconciliationDocument } from "./reconciliation.ts";
import type { RouteDocument } from "./route.ts";
import type { SystemDocument } from "./system.ts";

/** Maps a kind name to the static type of its whole document. */
export interface DocumentOf {
  System: SystemDocument;
  Entity: EntityDocument;
  Ownership: OwnershipDocument;
  Mapping: MappingDocument;
  Route: RouteDocument;
  Reconciliation: ReconciliationDocument;
  Policy: PolicyDocument;
}

/** Any spec document, discriminated by `kind`. */
export type AnyDocument = DocumentOf[keyof DocumentOf];
