/** The Entity kind: a canonical business object, its typed fields, identity and lifecycle. */
import { type Static, Type } from "@sinclair/typebox";
import { envelope, FieldPath, Name, strictObject } from "./common.ts";

import { FIELD_TYPES, type FieldType } from "./constants.ts";

export { FIELD_TYPES, type FieldType };

export const Classification = Type.Union(["public", "internal", "confidential", "pii"].map((c) => Type.Literal(c)), {
  description: "How sensitive the value is. `pii` fields only go to systems cleared for PII.",
});

export const Field = Type.Recursive(
  (self) =>
    strictObject(
    {
      type: Type.Union(
        FIELD_TYPES.map((t) => Type.Literal(t)),
        {
          description:
            "`decimal` and `money` are decimal strings (never binary floats); `money` names its currency field; `reference` names an entity; `enum` lists its values; `object` has `fields`; `array` has `items`.",
        },
      ),
      description: Type.Optional(Type.String()),
      required: Type.Optional(Type.Boolean({ description: "True when every record has this field." })),
      classification: Type.Optional(Classification),
      values: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: "The values of an `enum` field." })),
      entity: Type.Optional(Type.String({ description: "The entity a `reference` field points at." })),
      currencyField: Type.Optional(FieldPath),
      scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 18, description: "Digits after the point for `decimal` and `money`." })),
      maxLength: Type.Optional(Type.Integer({ minimum: 1 })),
      format: Type.Optional(Type.String({ description: "A string format, for example `email` or `uuid`." })),
      items: Type.Optional(self),
      fields: Type.Optional(Type.Record(Name, self, { description: "The fields of an `object` field." })),
    },
    "A typed field.",
  ),
  { $id: "Field" },
);

export const Lifecycle = strictObject(
  {
    field: FieldPath,
    initial: Type.String({ description: "The state a new record starts in." }),
    transitions: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: "For each state, the states it may move to. A state with no entry is final.",
    }),
  },
  "The states a record moves through and which moves are allowed.",
);

export const EntitySpec = strictObject(
  {
    identity: Type.Array(FieldPath, { minItems: 1, description: "The fields that identify a record." }),
    fields: Type.Record(Name, Field, { description: "The entity's fields, by name." }),
    lifecycle: Type.Optional(Lifecycle),
    seed: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "A file of the entity's reference records (a JSON array or a CSV file with a header line), relative to this spec file: `spec data seed` loads it as the first version, checked like `spec data load`.",
      }),
    ),
  },
  "A canonical business object: fields, identity and lifecycle.",
);

export const EntityDocument = envelope("Entity", EntitySpec, "An Entity spec document.");

export type Field = Static<typeof Field>;
export type EntitySpec = Static<typeof EntitySpec>;
export type EntityDocument = Static<typeof EntityDocument>;
