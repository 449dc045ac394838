/** The reject step's schema: a business rejection, with its reason code, message and the queue that owns it. */
import { Type } from "@sinclair/typebox";
import { Name, strictObject, Team } from "../../model/common.ts";

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
  },
  "Rejects the record for a business reason: nothing after it runs and nothing is sent; the record waits in `queue`, owned by `owner`, with the reason code and the message, and is audited as rejected. Give the step a `when` for the condition that rejects. A person releases it with the queue's actions: retry (routed again), edit (corrected and routed again) or skip.",
);
