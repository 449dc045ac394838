/** The emit step's schema: the canonical event published, and the entity it carries. */
import { Type } from "@sinclair/typebox";
import { Name, strictObject } from "../../model/common.ts";

/** `emit: { event, entity? }`. */
export const emitSchema = strictObject(
  {
    event: Name,
    entity: Type.Optional(Type.String()),
  },
  "Publishes a canonical event that other routes can trigger on.",
);
