/** The require step's schema: a record this one depends on, and how long to wait for it. */
import { Type } from "@sinclair/typebox";
import { Duration, FieldPath, strictObject } from "../../model/common.ts";

/** `require: { entity, system, key, wait? }`. */
export const requireSchema = strictObject(
  {
    entity: Type.String({ description: "The entity that must exist first." }),
    system: Type.String({ description: "The system it must exist in." }),
    key: FieldPath,
    wait: Type.Optional(Duration),
  },
  "Waits until a record this one depends on exists in a system (for example the ERP project), then proceeds.",
);
