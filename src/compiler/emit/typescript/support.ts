/**
 * generated/support.ts: what every generated module shares and no spec changes. Branded scalar
 * types, the adapter over ajv's precompiled functions, and the delivery interface adapters call.
 */
import type { TypeAliasDeclarationStructure } from "ts-morph";
import { type EmitProject, type EmittedFile, tsMorph } from "./source.ts";
import { BRANDS } from "./types.ts";

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
        namedImports: ["OperationDefinition", "SystemDefinition", "Validator"],
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
        name: "DeliveryRequest",
        docs: ["One call of a system operation, as an adapter hands it to the delivery layer."],
        properties: [
          { name: "system", type: "SystemDefinition", docs: ["Base URL, auth, quotas and timeouts, resolved by the runtime at start-up."] },
          { name: "operation", type: "OperationDefinition", docs: ["Method, path, encoding and idempotency mechanism."] },
          { name: "params", type: "Readonly<Record<string, string>>", docs: ["Values of the path's `{name}` parameters."] },
          { name: "body", type: "unknown", hasQuestionToken: true },
          { name: "idempotencyKey", type: "string", hasQuestionToken: true, docs: ["Sent in the operation's key header, or as its external id."] },
        ],
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "Delivery",
        docs: ["The runtime's delivery layer: sends one request with the system's policies and returns the response body."],
        methods: [{ name: "send", parameters: [{ name: "request", type: "DeliveryRequest" }], returnType: "Promise<unknown>" }],
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "CallOptions",
        docs: ["Per-call options of an adapter operation."],
        properties: [{ name: "idempotencyKey", type: "string", hasQuestionToken: true }],
      },
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
