/**
 * Chevrotain, loaded from the one-file bundle its package ships. The package's entry point is a
 * few hundred small modules (its lodash-es imports), which every `spec` command would load at
 * start-up through the TypeScript loader hooks, DSL or not: seconds on a busy machine, against
 * tens of milliseconds for the bundle. Same code, same API; the types are the package's.
 * Every DSL module takes its Chevrotain values from here, so token types and parser classes
 * come from one instance.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const entry = createRequire(import.meta.url).resolve("chevrotain");

/** The Chevrotain API. */
export const chevrotain = (await import(pathToFileURL(join(dirname(entry), "..", "chevrotain.mjs")).href)) as typeof import("chevrotain");
