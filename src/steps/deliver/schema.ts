/** The deliver step's schema: the operation called, the mapping that builds its body, its path, query and header parameters. */
import { Type } from "@sinclair/typebox";
import { QualifiedName, strictObject } from "../../model/common.ts";

/** One correction's call: the operation, the mapping building its body (it sees `$previous`), its path parameters. */
const CorrectionCall = strictObject(
  {
    operation: QualifiedName,
    mapping: Type.Optional(
      Type.String({
        description:
          "The mapping that builds the correction's body, over the record at this step with `$previous` bound: `{ body, targetId, version }` of what was last posted to this target for the record.",
      }),
    ),
    params: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description: "The operation's path parameters, each a JSONata expression over the record with `$previous` bound (`$previous.targetId` for the posted record's id).",
      }),
    ),
  },
  "The operation a correction calls, the mapping that builds its body and its path parameters.",
);

/** How a deliver step of a versioned route corrects what an earlier version posted. */
export const correctionSchema = strictObject(
  {
    reverse: Type.Optional(
      strictObject(CorrectionCall.properties, "Reverse and repost: this call reverses (or credits) what was posted, then the new version is posted once the reversal is delivered. A void runs the reversal only."),
    ),
    adjust: Type.Optional(
      strictObject(CorrectionCall.properties, "Adjust by difference: this call posts the difference between `$previous` and the new version, in place of the new posting."),
    ),
    update: Type.Optional(
      strictObject(CorrectionCall.properties, "Update in place: this call replaces the posted record (for example a PUT to `$previous.targetId`), in place of the new posting."),
    ),
  },
  "How a newer version of the record corrects what this step posted for an earlier one: exactly one of `reverse`, `adjust` or `update`.",
);

/** `deliver: { operation, mapping?, params?, query?, headers?, correction? }`. */
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
    correction: Type.Optional(correctionSchema),
  },
  "Calls a system operation with the record (or the mapping's output): one delivery through the outbox.",
);
