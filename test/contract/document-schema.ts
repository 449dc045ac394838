/**
 * Request bodies checked against the vendor document's own schema with ajv, beside Prism. Prism
 * 5 silently skips body validation when it cannot compile a schema, which happens with Xero
 * Accounting's circular schemas ("can't resolve reference #/paths/..."), so the contract test
 * checks bodies itself too: the whole document is registered with ajv and the operation's
 * request schema is compiled by reference, `$ref`s and all.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { OpenApiDocument } from "../../src/compiler/import/openapi-document.ts";
import { deref } from "../../src/compiler/import/json-pointer.ts";
import { operationIndex } from "../../src/compiler/import/operations.ts";

const DOCUMENT_ID = "https://vendor.invalid/openapi.json";

/** A validator of request bodies for the document's operations. */
export interface BodyChecker {
  /** Problems with `body` as the request of `operationId`, as ajv states them; empty when it conforms. */
  check(operationId: string, body: unknown): string[];
}

function pointer(...segments: string[]): string {
  return segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

/** OpenAPI 3.0 ignores the keywords beside a `$ref` (Xero writes `rate: { $ref: Amount, type: number }`); ajv would apply them. */
function withoutRefSiblings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutRefSiblings);
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if (typeof record["$ref"] === "string") return { $ref: record["$ref"] };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutRefSiblings(v)]));
}

/** Creates a checker over one document. */
export function createBodyChecker(document: OpenApiDocument): BodyChecker {
  const options = { strict: false, allErrors: true, validateSchema: false, validateFormats: true } as const;
  const ajv = document.version === "3.1" ? new Ajv2020(options) : new Ajv(options);
  addFormats.default(ajv);
  for (const format of ["int32", "int64", "double", "float", "unix-time", "decimal"]) ajv.addFormat(format, true);
  const root = document.version === "3.0" ? withoutRefSiblings(document.root) : document.root;
  ajv.addSchema({ ...(root as Record<string, unknown>), $id: DOCUMENT_ID, jsonSchemaDialect: undefined });
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(operationId, body) {
      const source = operationIndex(document).get(operationId);
      if (source === undefined) return [`no operation ${operationId}`];
      let validate = compiled.get(operationId);
      if (validate === undefined) {
        const declared = source.operation["requestBody"] as { $ref?: string; content?: Record<string, unknown> } | undefined;
        const at = typeof declared?.$ref === "string" ? declared.$ref.slice(2) : pointer("paths", source.path, source.method, "requestBody");
        const requestBody = deref(document.root, declared);
        const mediaType = Object.keys(requestBody?.content ?? {})[0];
        if (mediaType === undefined) return [];
        validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${at}/${pointer("content", mediaType, "schema")}` });
        compiled.set(operationId, validate);
      }
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
    },
  };
}
