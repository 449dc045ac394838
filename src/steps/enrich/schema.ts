/** The enrich step's schema: a lookup by a field of the record, added under `as`. */
import { Type } from "@sinclair/typebox";
import { FieldPath, Name, strictObject } from "../../model/common.ts";

/** `enrich: { lookup, entity, from?, to?, key, as }`. */
export const enrichSchema = strictObject(
  {
    lookup: Type.Union([Type.Literal("xref"), Type.Literal("reference-data")]),
    entity: Type.String(),
    from: Type.Optional(Type.String({ description: "For `xref`: the system whose id the record carries." })),
    to: Type.Optional(Type.String({ description: "For `xref`: the system whose id is wanted." })),
    key: FieldPath,
    as: Name,
  },
  "Adds a looked-up value to the record under `as`.",
);
