/** The map step's schema: the mapping applied to the record. */
import { Type } from "@sinclair/typebox";

/** `map: <mapping>`. */
export const mapSchema = Type.String({ description: "The mapping applied to the record." });
