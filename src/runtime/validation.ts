/**
 * `syncspec/validation`: the few helpers ajv's precompiled validators call at run time (format
 * checks, string length, deep equality), re-exported so generated validators import only the
 * runtime package. Each export is the CommonJS module object ajv's standalone code expects.
 */
import formatsModule from "ajv-formats/dist/formats.js";
import equalModule from "ajv/dist/runtime/equal.js";
import timestampModule from "ajv/dist/runtime/timestamp.js";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import uriModule from "ajv/dist/runtime/uri.js";
import validationErrorModule from "ajv/dist/runtime/validation_error.js";

/** `ajv-formats/dist/formats.js`: `fullFormats` and `fastFormats`. */
export const ajvFormats: typeof formatsModule = formatsModule;
/** `ajv/dist/runtime/equal.js`. */
export const ajvEqual: typeof equalModule = equalModule;
/** `ajv/dist/runtime/timestamp.js`. */
export const ajvTimestamp: typeof timestampModule = timestampModule;
/** `ajv/dist/runtime/ucs2length.js`. */
export const ajvUcs2length: typeof ucs2lengthModule = ucs2lengthModule;
/** `ajv/dist/runtime/uri.js`. */
export const ajvUri: typeof uriModule = uriModule;
/** `ajv/dist/runtime/validation_error.js`. */
export const ajvValidationError: typeof validationErrorModule = validationErrorModule;

