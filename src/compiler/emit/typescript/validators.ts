/**
 * Validators precompiled with ajv's standalone code: the schema is compiled here, at build time,
 * and the generated module holds only the resulting function. The few run-time helpers ajv's code
 * requires (format checks, string length) become ES imports.
 */
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import standaloneModule from "ajv/dist/standalone/index.js";
import type { JsonSchema } from "../../../model/index.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const standaloneCode = (standaloneModule as unknown as { default: (ajv: Ajv, refs?: Record<string, string>) => string }).default ?? standaloneModule;

/** Native schemas refer to `#/schemas/X`; compiled together they live under `definitions`. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$ref" && typeof inner === "string") out[key] = inner.replace(/^#\/(?:components\/)?schemas\//, "#/definitions/");
    else if (key.startsWith("x-")) continue;
    else out[key] = rewriteRefs(inner);
  }
  return out;
}

const REQUIRE = /const (\w+) = require\("([A-Za-z0-9@/._-]+)"\)((?:\.\w+|\["[A-Za-z0-9_-]+"\])*);/g;

/** One validator of a module: its export name (a derived identifier) and its schema. */
export interface ValidatorEntry {
  name: string;
  schema: Record<string, unknown>;
}

/**
 * The standalone ES module exporting one validator per entry. Text after the header is ajv's
 * output: every schema string in it is written by ajv's own escaping.
 */
export function validatorModule(entries: readonly ValidatorEntry[], header: string): string {
  const refs: Record<string, string> = {};
  const ajv = createAjv();
  entries.forEach((entry, index) => {
    const id = `urn:syncspec:validator:${index}`;
    ajv.addSchema({ ...entry.schema, $id: id }, id);
    refs[checkedName(entry.name)] = id;
  });
  return standaloneText(ajv, refs, header);
}

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, meta: false, validateSchema: false, code: { source: true, esm: true, lines: true } });
  addFormats(ajv);
  // The same formats the runtime's validators know (src/runtime/validators.ts): vendor decimals
  // written as strings are held to it; OpenAPI's width annotations are always valid.
  ajv.addFormat("decimal", /^-?[0-9]+(\.[0-9]+)?$/);
  for (const format of ["int", "int32", "int64", "float", "double", "unix-time", "byte", "binary", "password"]) ajv.addFormat(format, true);
  return ajv;
}

function checkedName(name: string): string {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw new Error(`not an identifier: ${name}`);
  return name;
}

/**
 * Validators for some of a system's native schemas, compiled together so the schemas they share
 * through `$ref` are compiled once: `entries` maps export names to schema names.
 */
export function schemaValidatorModule(
  schemas: Readonly<Record<string, JsonSchema>>,
  entries: readonly { name: string; schema: string }[],
  header: string,
): string {
  const base = "https://syncspec.dev/system-schemas.json";
  const ajv = createAjv();
  ajv.addSchema({ $id: base, definitions: rewriteRefs(schemas) });
  const refs: Record<string, string> = {};
  for (const entry of entries) {
    refs[checkedName(entry.name)] = `${base}#/definitions/${encodeURIComponent(entry.schema.replaceAll("~", "~0").replaceAll("/", "~1"))}`;
  }
  return standaloneText(ajv, refs, header);
}

/**
 * What the generated validators import for each module ajv's standalone code requires: the
 * runtime package's `syncspec/validation` re-exports each, so a service needs no ajv of its own.
 */
const RUNTIME_EXPORTS: Readonly<Record<string, string>> = {
  "ajv-formats/dist/formats.js": "ajvFormats",
  "ajv/dist/runtime/equal.js": "ajvEqual",
  "ajv/dist/runtime/timestamp.js": "ajvTimestamp",
  "ajv/dist/runtime/ucs2length.js": "ajvUcs2length",
  "ajv/dist/runtime/uri.js": "ajvUri",
  "ajv/dist/runtime/validation_error.js": "ajvValidationError",
};

/** The module generated validators import ajv's run-time helpers from. */
export const VALIDATION_MODULE = "syncspec/validation";

function standaloneText(ajv: Ajv, refs: Record<string, string>, header: string): string {
  const code = standaloneCode(ajv, refs) as string;
  const imports: string[] = [];
  const modules = new Map<string, string>();
  const body = code.replace(REQUIRE, (_all, name: string, path: string, member: string) => {
    const file = path.endsWith(".js") ? path : `${path}.js`;
    let alias = modules.get(file);
    if (alias === undefined) {
      const exported = RUNTIME_EXPORTS[file];
      if (exported === undefined) throw new Error(`ajv standalone code requires ${file}, which ${VALIDATION_MODULE} does not export`);
      alias = `runtime${modules.size}`;
      modules.set(file, alias);
      imports.push(`${exported} as ${alias}`);
    }
    // A CommonJS module's `exports.default` is the default import's `.default` under Node, and the
    // default import itself under bundlers and test runners that honour `__esModule` (vite).
    if (member.startsWith(".default")) return `const ${name} = (${alias}.default ?? ${alias})${member.slice(".default".length)};`;
    return `const ${name} = ${alias}${member};`;
  });
  // A plain search, and the context cut out afterwards: a pattern carrying its context
  // (`.{0,60}require\(`) backtracks at every position of the module, a measurable share of a compile.
  const left = body.search(/\brequire\(/);
  if (left >= 0) throw new Error(`ajv standalone code still requires a module: ${lineAround(body, left)}`);
  const importLine = imports.length > 0 ? `import { ${imports.join(", ")} } from ${JSON.stringify(VALIDATION_MODULE)};\n` : "";
  return `${header}\n${importLine}${body.replace(/^"use strict";\s*/, "")}\n`;
}

/** Up to 60 characters either side of `index`, within its line. */
function lineAround(text: string, index: number): string {
  const start = Math.max(index - 60, text.lastIndexOf("\n", index) + 1);
  const newline = text.indexOf("\n", index);
  return text.slice(start, Math.min(index + 68, newline < 0 ? text.length : newline));
}

/** The statements of the declaration file beside a validator module. */
export function validatorDeclarations(names: readonly string[]): string[] {
  return [
    "/** An ajv function: true when valid, with the errors on the function otherwise. */",
    "export interface AjvFunction {",
    "  (value: unknown): boolean;",
    "  errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null;",
    "}",
    ...names.map((name) => `export declare const ${name}: AjvFunction;`),
  ];
}
