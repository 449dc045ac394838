/**
 * `syncspec/validation`: the few helpers ajv's precompiled validators call at run time (format
 * checks, string length, deep equality), re-exported so generated validators import only the
 * runtime package. Each export is the CommonJS module object ajv's standalone code expects
 * (`ajvFormats.fullFormats.date`, `ajvUcs2length.default`), loaded with `require` so that no
 * loader's default-export interop can unwrap it.
 */
import { createRequire } from "node:module";

/** A CommonJS module's `module.exports`. */
export type CommonJsModule = Readonly<Record<string, unknown>>;

const require = createRequire(import.meta.url);
const load = (id: string): CommonJsModule => require(id) as CommonJsModule;

/** `ajv-formats/dist/formats.js`: `fullFormats` and `fastFormats`. */
export const ajvFormats: CommonJsModule = load("ajv-formats/dist/formats.js");
/** `ajv/dist/runtime/equal.js`. */
export const ajvEqual: CommonJsModule = load("ajv/dist/runtime/equal.js");
/** `ajv/dist/runtime/timestamp.js`. */
export const ajvTimestamp: CommonJsModule = load("ajv/dist/runtime/timestamp.js");
/** `ajv/dist/runtime/ucs2length.js`. */
export const ajvUcs2length: CommonJsModule = load("ajv/dist/runtime/ucs2length.js");
/** `ajv/dist/runtime/uri.js`. */
export const ajvUri: CommonJsModule = load("ajv/dist/runtime/uri.js");
/** `ajv/dist/runtime/validation_error.js`. */
export const ajvValidationError: CommonJsModule = load("ajv/dist/runtime/validation_error.js");
