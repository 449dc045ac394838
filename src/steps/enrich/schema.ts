/** The enrich step's schema: a lookup by a field of the record, added under `as`. */
import { Type } from "@sinclair/typebox";
import { Duration, FieldPath, Name, strictObject } from "../../model/common.ts";

/** `enrich: { lookup, entity, from?, to?, key, match?, asOf?, wait?, as }`. */
export const enrichSchema = strictObject(
  {
    lookup: Type.Union([Type.Literal("xref"), Type.Literal("reference-data"), Type.Literal("records")], {
      description:
        "`xref`: a system's id for the record; `reference-data`: one record (reference data, or a record kept from events) by its identity; `records`: every record kept from events whose `match` fields equal the key, as a list by key (empty when there is none).",
    }),
    entity: Type.String(),
    from: Type.Optional(Type.String({ description: "For `xref`: the system whose id the record carries." })),
    to: Type.Optional(Type.String({ description: "For `xref`: the system whose id is wanted." })),
    key: Type.Union([FieldPath, Type.Array(FieldPath, { minItems: 1 })], {
      description:
        "The field (or, for a composite identity, the fields in the order of the entity's `identity`) whose values are the lookup key.",
    }),
    match: Type.Optional(
      Type.Array(FieldPath, {
        minItems: 1,
        description: "For `records`: the fields of the entity compared with the key's values, one per key path (for example `[projectId]` by `data.projectId`).",
      }),
    ),
    asOf: Type.Optional(
      Type.String({
        pattern: FieldPath.pattern as string,
        description:
          "For `reference-data`: the field holding the date (or date-time) to look up as of; the record in force then is used (the latest `validFrom` on or before it). A date before the key's first record is an exception naming the key and the date.",
      }),
    ),
    wait: Type.Optional(Duration),
    as: Name,
  },
  "Adds a looked-up value to the record under `as`. A `reference-data` lookup with `wait` waits that long for a record kept from events (a `keep` step) to arrive; without it, a missing record is an exception.",
);
