/**
 * The validators of the published schemas, compiled ahead of time by `npm run schemas` into
 * schema-validators.generated.js (ajv standalone code), so no schema is compiled at start-up.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { KindName } from "../../model/index.ts";
import * as compiled from "./schema-validators.generated.js";

/** The precompiled validators by kind, read once from the generated module's exports. */
const validators: ReadonlyMap<string, ValidateFunction> = new Map(Object.entries(compiled));

/** The precompiled validator of a kind's whole document, or of the project file. */
export function validatorFor(kind: KindName | "config"): ValidateFunction {
  const validate = validators.get(kind);
  if (validate === undefined) throw new Error(`no precompiled validator for '${kind}': run npm run schemas`);
  return validate;
}

/** Validates against a kind's schema, returning ajv's raw errors. */
export function schemaErrors(kind: KindName, value: unknown): ErrorObject[] {
  const validate = validatorFor(kind);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
