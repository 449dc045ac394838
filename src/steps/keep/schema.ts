/** The keep step's schema: the canonical record at this step kept in the runtime's state. */
import { Type } from "@sinclair/typebox";
import { FieldPath, strictObject } from "../../model/common.ts";

/** `keep: { entity, version? }`. */
export const keepSchema = strictObject(
  {
    entity: Type.String({ description: "The entity the record at this step is; it is validated against it and keyed by its identity." }),
    version: Type.Optional(
      Type.String({
        pattern: FieldPath.pattern as string,
        description:
          "The field holding the record's version (an integer, or a date-time compared as a time): a version lower than (or equal to) the one kept never overwrites it. Without it, the event that arrived last wins.",
      }),
    ),
  },
  "Keeps the record at this step (mapped to its canonical entity) in the runtime's state, keyed by the entity's identity, versioned and audited. Later lookups of the entity (`enrich ... with reference-data`) read it, and events waiting for it are released.",
);
