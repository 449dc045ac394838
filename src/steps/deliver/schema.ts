/** The deliver step's schema: the operation called, the mapping that builds its body, its path parameters. */
import { Type } from "@sinclair/typebox";
import { QualifiedName, strictObject } from "../../model/common.ts";

/** `deliver: { operation, mapping?, params? }`. */
export const deliverSchema = strictObject(
  {
    operation: QualifiedName,
    mapping: Type.Optional(Type.String({ description: "The mapping that builds the request body." })),
    params: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description:
          "The operation's path parameters (`{subscription-id}` in its path), each a JSONata expression over the record at this step, with the same bindings mappings get (`$<enrich as>`, `$class`). Its value must be a non-empty string or a number; it fills the path and is not sent in the body.",
      }),
    ),
  },
  "Calls a system operation with the record (or the mapping's output): one delivery through the outbox.",
);
