/** The deliver step's schema: the operation called, the mapping that builds its body, its path, query and header parameters. */
import { Type } from "@sinclair/typebox";
import { QualifiedName, strictObject } from "../../model/common.ts";

/** `deliver: { operation, mapping?, params?, query?, headers? }`. */
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
    query: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
        description:
          "Query parameters the operation declares (`parameters.query`), each a JSONata expression over the record at this step, type-checked against the declared type. A value that comes out empty is left out of the query.",
      }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
        description: "Header parameters the operation declares (`parameters.headers`), each a JSONata expression over the record at this step, type-checked against the declared type.",
      }),
    ),
  },
  "Calls a system operation with the record (or the mapping's output): one delivery through the outbox.",
);
