/** The branch step's schema: branches, each a condition and the steps it runs (steps of any kind). */
import { type TSchema, Type } from "@sinclair/typebox";
import { strictObject } from "../../model/common.ts";

/** `branch: [{ when?, steps }]`; `step` is the schema of a step, for the nested lists. */
export function branchSchema<S extends TSchema>(step: S) {
  return Type.Array(
    strictObject(
      {
        when: Type.Optional(Type.String({ description: "A JSONata condition; omit it for the otherwise branch." })),
        steps: Type.Array(step),
      },
      "A branch: the first whose condition holds runs.",
    ),
    { minItems: 1 },
  );
}
