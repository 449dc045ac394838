/** One ajv instance, with each kind's validator compiled the first time it is needed. */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { KIND_NAMES, type KindName, readPublishedSchema } from "../../model/index.ts";

// ajv-formats is CommonJS; its default export arrives as the module object under NodeNext.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

let ajv: Ajv | undefined;
const validators = new Map<KindName, ValidateFunction>();

function instance(): Ajv {
  if (ajv === undefined) {
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
  }
  return ajv;
}

/** The compiled validator of a kind's whole document. */
export function validatorFor(kind: KindName): ValidateFunction {
  let validate = validators.get(kind);
  if (validate === undefined) {
    validate = instance().compile(readPublishedSchema(kind));
    validators.set(kind, validate);
  }
  return validate;
}

/** Validates against a kind's schema, returning ajv's raw errors. */
export function schemaErrors(kind: KindName, value: unknown): ErrorObject[] {
  const validate = validatorFor(kind);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

export { KIND_NAMES };
