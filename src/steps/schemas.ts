/**
 * The schema registry of step kinds: each kind's schema, from its folder's schema.ts, as the
 * member of a step that names the kind. The spec model (src/model/route.ts) spreads these into
 * the step's schema, in this order, which is the order the published schema lists them.
 */
import { type TSchema, Type } from "@sinclair/typebox";
import { branchSchema } from "./branch/schema.ts";
import { classifySchema } from "./classify/schema.ts";
import { deliverSchema } from "./deliver/schema.ts";
import { emitSchema } from "./emit/schema.ts";
import { enrichSchema } from "./enrich/schema.ts";
import { keepSchema } from "./keep/schema.ts";
import { mapSchema } from "./map/schema.ts";
import { rejectSchema } from "./reject/schema.ts";
import { requireSchema } from "./require/schema.ts";
import { validateSchema } from "./validate/schema.ts";

/** Every step kind's member of a step, optional (a step names exactly one); `step` is the step's own schema. */
export function stepKindSchemas<S extends TSchema>(step: S) {
  return {
    validate: Type.Optional(validateSchema),
    map: Type.Optional(mapSchema),
    enrich: Type.Optional(enrichSchema),
    classify: Type.Optional(classifySchema),
    branch: Type.Optional(branchSchema(step)),
    require: Type.Optional(requireSchema),
    deliver: Type.Optional(deliverSchema),
    reject: Type.Optional(rejectSchema),
    emit: Type.Optional(emitSchema),
    keep: Type.Optional(keepSchema),
  };
}
