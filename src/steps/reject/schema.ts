/** The reject step's schema: a business rejection, with its reason code, message and the queue that owns it. */
import { Type } from "@sinclair/typebox";
import { FieldPath, Name, strictObject, Team } from "../../model/common.ts";

const fieldPath = (description: string) => Type.String({ pattern: FieldPath.pattern as string, description });

/** `release: { entity, key, field, equals }`: the kept record whose field reaching a value releases the rejection. */
export const rejectReleaseSchema = strictObject(
  {
    entity: Type.String({ description: "The entity whose kept records (a `keep` step) release the rejection." }),
    key: fieldPath("The field of the rejected record holding the kept record's identity (for example the client's id)."),
    field: fieldPath("The field of the kept record that is watched."),
    equals: Type.String({ minLength: 1, description: "The value that releases the rejection once the kept record's field holds it." }),
  },
  "A declared release: when a later event keeps the named record with `field` equal to `equals`, the rejected events waiting on it are routed again from the start, audited as released, and their rejection closed.",
);

/** `reject: { reason, message, queue, owner }`. */
export const rejectSchema = strictObject(
  {
    reason: Name,
    message: Type.String({
      minLength: 1,
      description:
        "A JSONata expression over the record at this step, with the bindings mappings get: the sentence a person reads. One that fails when the event runs still sends the record to its queue, with the evaluation error.",
    }),
    queue: Name,
    owner: Team,
    release: Type.Optional(rejectReleaseSchema),
  },
  "Rejects the record for a business reason: nothing after it runs and nothing is sent; the record waits in `queue`, owned by `owner`, with the reason code and the message, and is audited as rejected. Give the step a `when` for the condition that rejects. A person releases it with the queue's actions: retry (routed again), edit (corrected and routed again) or skip; a `release` releases it when a kept record reaches the state it names.",
);
