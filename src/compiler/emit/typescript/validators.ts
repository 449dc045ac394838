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

/** Native schemas refer to `#/schemas/X`; inside one compiled schema they live under `definitions`. */
export function withDefinitions(schema: JsonSchema, schemas: Readonly<Record<string, JsonSchema>>): Record<string, unknown> {
  return rewriteRefs({ ...schema, definitions: schemas }) as Record<string, unknown>;
}

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
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, meta: false, validateSchema: false, code: { source: true, esm: true, lines: true } });
  addFormats(ajv);
  const refs: Record<string, string> = {};
  entries.forEach((entry, index) => {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(entry.name)) throw new Error(`not an identifier: ${entry.name}`);
    const id = `urn:syncspec:validator:${index}`;
    ajv.addSchema({ ...entry.schema, $id: id }, id);
    refs[entry.name] = id;
  });
  const code = standaloneCode(ajv, refs) as string;
  const imports: string[] = [];
  const modules = new Map<string, string>();
  const body = code.replace(REQUIRE, (_all, name: string, path: string, member: string) => {
    const file = path.endsWith(".js") ? path : `${path}.js`;
    let alias = modules.get(file);
    if (alias === undefined) {
      alias = `runtime${modules.size}`;
      modules.set(file, alias);
      imports.push(`import ${alias} from ${JSON.stringify(file)};`);
    }
    return `const ${name} = ${alias}${member};`;
  });
  const left = /.{0,60}\brequire\(.{0,60}/.exec(body);
  if (left !== null) throw new Error(`ajv standalone code still requires a module: ${left[0]}`);
  return `${header}\n${imports.join("\n")}${imports.length > 0 ? "\n" : ""}${body.replace(/^"use strict";\s*/, "")}\n`;
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
