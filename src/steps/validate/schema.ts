/** The validate step's schema: the entity the record must be valid against. */
import { Type } from "@sinclair/typebox";

/** `validate: <entity>`. */
export const validateSchema = Type.String({ description: "The entity the record must be valid against." });
