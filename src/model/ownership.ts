/** The Ownership kind: which system is the record of an entity and of each of its fields. */
import { type Static, Type } from "@sinclair/typebox";
import { envelope, strictObject, Team } from "./common.ts";

export const FieldOwnership = strictObject(
  {
    systemOfRecord: Type.String({ description: "The system that owns this field." }),
    update: Type.Optional(Type.Array(Type.String(), { description: "Systems allowed to update this field." })),
    replicas: Type.Optional(
      Type.Array(Type.String(), {
        description: "Systems that show a copy of this field, kept in step by routes and read-only to them (the PSA's time entry showing the ERP's journal id).",
      }),
    ),
  },
  "Ownership of one field where it differs from the entity's.",
);

export const OwnershipSpec = strictObject(
  {
    entity: Type.String({ description: "The entity this declares ownership of." }),
    systemOfRecord: Type.String({ description: "The system that owns the entity." }),
    steward: Team,
    create: Type.Array(Type.String(), { description: "Systems allowed to create records." }),
    update: Type.Optional(Type.Array(Type.String(), { description: "Systems allowed to update records (default: the system of record)." })),
    replicas: Type.Optional(
      Type.Array(Type.String(), { description: "Systems that hold a copy kept in step by routes, read-only to them." }),
    ),
    fields: Type.Optional(
      Type.Record(Type.String(), FieldOwnership, { description: "Per-field ownership, by field path." }),
    ),
  },
  "Who owns an entity: its system of record, steward, who may create and update it, and per-field owners.",
);

export const OwnershipDocument = envelope("Ownership", OwnershipSpec, "An Ownership spec document.");

export type OwnershipSpec = Static<typeof OwnershipSpec>;
export type OwnershipDocument = Static<typeof OwnershipDocument>;
