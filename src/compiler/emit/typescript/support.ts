/**
 * generated/support.ts: what every generated module shares and no spec changes. Branded scalar
 * types with their parse helpers (a service makes a `Money` with `Money.parse("12.50")`, never a
 * cast), and the adapter over ajv's precompiled functions. It imports only the runtime's types.
 */
import type { TypeAliasDeclarationStructure, VariableStatementStructure } from "ts-morph";
import { type EmitProject, type EmittedFile, tsMorph } from "./source.ts";
import { BRANDS } from "./types.ts";

/**
 * How each brand's helper checks a string: the same rules the entity validators apply (decimal
 * pattern, ISO 4217 code, RFC 3339 date and date-time), as the text of a function body over `v`.
 */
const BRAND_CHECKS: Record<(typeof BRANDS)[number], { check: string; expected: string }> = {
  Decimal: { check: "/^-?[0-9]+(\\.[0-9]+)?$/.test(v)", expected: 'a decimal number written as a string, such as "12.50"' },
  Money: { check: "/^-?[0-9]+(\\.[0-9]+)?$/.test(v)", expected: 'an amount written as a decimal string, such as "1200.00"' },
  IsoDate: { check: "isDate(v)", expected: "a calendar date YYYY-MM-DD" },
  IsoDateTime: {
    check: "/^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$/.test(v) && isDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v))",
    expected: "an RFC 3339 date-time, such as 2026-03-01T09:30:00Z",
  },
  CurrencyCode: { check: "/^[A-Z]{3}$/.test(v)", expected: "an ISO 4217 currency code, such as EUR" },
};

const BRAND_DOCS: Record<(typeof BRANDS)[number], string> = {
  Decimal: "A decimal number written as a string, for example `\"12.50\"`; never a binary float.",
  Money: "An amount of money as a decimal string; its currency is in the field the entity names.",
  IsoDate: "A calendar date, `YYYY-MM-DD`.",
  IsoDateTime: "An instant, RFC 3339 `date-time`.",
  CurrencyCode: "An ISO 4217 currency code, for example `EUR`.",
};

/** Builds generated/support.ts. */
export function supportModule(project: EmitProject, setPath: string): EmittedFile {
  const { StructureKind, VariableDeclarationKind } = tsMorph();
  return project.structure("support.ts", setPath, {
    statements: [
      {
        kind: StructureKind.ImportDeclaration,
        isTypeOnly: true,
        moduleSpecifier: "syncspec/runtime",
        namedImports: ["Validator"],
      },
      ...BRANDS.map((name): TypeAliasDeclarationStructure => ({
        kind: StructureKind.TypeAlias,
        isExported: true,
        name,
        type: `string & { readonly __brand: ${JSON.stringify(name)} }`,
        docs: [BRAND_DOCS[name]],
      })),
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "AjvFunction",
        docs: ["A validator function as ajv's standalone code writes it."],
        callSignatures: [{ parameters: [{ name: "value", type: "unknown" }], returnType: "boolean" }],
        properties: [
          {
            name: "errors",
            hasQuestionToken: true,
            type: "{ instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null",
          },
        ],
      },
      {
        kind: StructureKind.Function,
        name: "sentence",
        parameters: [{ name: "error", type: "NonNullable<AjvFunction[\"errors\"]>[number]" }],
        returnType: "string",
        statements: [
          'const path = error.instancePath.replace(/^\\//, "").replaceAll("/", ".");',
          'const where = path === "" ? "the record" : path;',
          'if (error.keyword === "required") return (path === "" ? "" : path + ".") + String(error.params["missingProperty"]) + " is required";',
          'if (error.keyword === "enum") return where + " must be one of " + (error.params["allowedValues"] as unknown[]).map(String).join(", ");',
          'return where + " " + (error.message ?? "is invalid");',
        ],
      },
      {
        kind: StructureKind.Function,
        isExported: true,
        name: "fromAjv",
        docs: ["Wraps a precompiled ajv function as the runtime's `Validator`, errors as sentences naming the field."],
        parameters: [{ name: "check", type: "AjvFunction" }],
        returnType: "Validator",
        statements: [
          "return (value) => (check(value) ? { valid: true, errors: [] } : { valid: false, errors: (check.errors ?? []).map(sentence) });",
        ],
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "BrandHelper",
        docs: ["Makes and checks one branded string type."],
        typeParameters: [{ name: "T", constraint: "string" }],
        methods: [
          { name: "parse", docs: ["Returns `value` as the brand, or throws a `TypeError` saying what was expected."], parameters: [{ name: "value", type: "string" }], returnType: "T" },
          { name: "is", docs: ["Whether `value` is a well-formed string of the brand."], parameters: [{ name: "value", type: "unknown" }], returnType: "value is T" },
        ],
      },
      {
        kind: StructureKind.Function,
        name: "isDate",
        parameters: [{ name: "v", type: "string" }],
        returnType: "boolean",
        statements: ['if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(v)) return false;', 'const date = new Date(v + "T00:00:00Z");', "return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;"],
      },
      {
        kind: StructureKind.Function,
        name: "brand",
        typeParameters: [{ name: "T", constraint: "string" }],
        parameters: [
          { name: "valid", type: "(v: string) => boolean" },
          { name: "expected", type: "string" },
        ],
        returnType: "BrandHelper<T>",
        statements: [
          'const is = (value: unknown): value is T => typeof value === "string" && valid(value);',
          "return {",
          "  is,",
          "  parse(value: string): T {",
          '    if (!is(value)) throw new TypeError(JSON.stringify(value) + " is not " + expected);',
          "    return value;",
          "  },",
          "};",
        ],
      },
      ...BRANDS.map((name): VariableStatementStructure => ({
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: [`\`${name}.parse(text)\` makes one from a string: ${BRAND_CHECKS[name].expected}.`],
        declarations: [
          {
            name,
            type: `BrandHelper<${name}>`,
            initializer: `brand<${name}>((v) => ${BRAND_CHECKS[name].check}, ${JSON.stringify(BRAND_CHECKS[name].expected)})`,
          },
        ],
      })),
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["The brands this module declares, for tests and tools."],
        declarations: [{ name: "BRANDS", initializer: `[${BRANDS.map((b) => JSON.stringify(b)).join(", ")}] as const` }],
      },
    ],
  });
}
