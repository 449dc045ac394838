/** The classify step's schema: rules whose first match names the record's class. */
import { Type } from "@sinclair/typebox";
import { Name, strictObject } from "../../model/common.ts";

/** `classify: { as, rules, otherwise }`. */
export const classifySchema = strictObject(
  {
    as: Name,
    rules: Type.Array(
      strictObject({ when: Type.String(), value: Type.String() }, "When the JSONata condition holds, the class is `value`."),
      { minItems: 1 },
    ),
    otherwise: Type.String(),
  },
  "Assigns the record a class (first rule that holds), read by later `when` conditions as `$class.<as>`.",
);
