/**
 * Operations from an OpenAPI document, by operationId: method and path, the request and response
 * bodies' schemas, the encoding the API declares, what calling it does, and how it avoids
 * applying a request twice. Everything a System's `operations` entry holds comes from here.
 */
import type { JsonSchema } from "../../model/json-schema.ts";
import type { Operation, SystemEvent } from "../../model/system.ts";
import { deref, resolvePointer } from "./json-pointer.ts";
import type { OpenApiDocument } from "./openapi-document.ts";
import { type SchemaCollector, schemaName } from "./schemas.ts";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
type Method = (typeof METHODS)[number];

/** One operation as the document declares it. */
export interface DocumentOperation {
  id: string;
  /** `operation`: under `paths`, called by us; `webhook`: under OpenAPI 3.1 `webhooks`, sent to us. */
  kind: "operation" | "webhook";
  method: Method;
  path: string;
  operation: Readonly<Record<string, unknown>>;
  /** Parameters of the path item and the operation, `$ref`s followed, the operation's winning. */
  parameters: readonly Parameter[];
}

/** An OpenAPI parameter, as far as the import reads it. */
export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
}

/** A security requirement an operation names: the scheme and its scopes. */
export interface SecurityUse {
  scheme: string;
  scopes: readonly string[];
}

/** What importing one operation gives. */
export interface ImportedOperation {
  name: string;
  source: DocumentOperation;
  operation: Operation;
  /** For a webhook: the event it delivers, in place of an operation. */
  event?: SystemEvent;
  /** Inline body schemas named after the operation (`createAnInvoiceRequest`). */
  schemas: Record<string, JsonSchema>;
  security: readonly SecurityUse[];
  notes: string[];
}

const indexes = new WeakMap<object, ReadonlyMap<string, DocumentOperation>>();

function parametersOf(document: OpenApiDocument, lists: readonly unknown[]): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = deref<Record<string, unknown>>(document.root, entry as Record<string, unknown>);
      if (p === undefined || typeof p["name"] !== "string" || typeof p["in"] !== "string") continue;
      const parameter = { name: p["name"], in: p["in"] as Parameter["in"], required: p["required"] === true };
      byKey.set(`${parameter.in}:${parameter.name.toLowerCase()}`, parameter);
    }
  }
  return [...byKey.values()];
}

/** Every operation of the document with an operationId, by id (built once per document). */
export function operationIndex(document: OpenApiDocument): ReadonlyMap<string, DocumentOperation> {
  const cached = indexes.get(document.root);
  if (cached !== undefined) return cached;
  const index = new Map<string, DocumentOperation>();
  for (const kind of ["operation", "webhook"] as const) {
    const items = (document.root[kind === "operation" ? "paths" : "webhooks"] ?? {}) as Record<string, Record<string, unknown>>;
    for (const [path, rawItem] of Object.entries(items)) {
      const item = deref(document.root, rawItem);
      if (item === undefined || typeof item !== "object") continue;
      for (const method of METHODS) {
        const operation = item[method] as Record<string, unknown> | undefined;
        if (operation === undefined || typeof operation["operationId"] !== "string" || index.has(operation["operationId"])) continue;
        const parameters = parametersOf(document, [item["parameters"], operation["parameters"]]);
        index.set(operation["operationId"], { id: operation["operationId"], kind, method, path, operation, parameters });
      }
    }
  }
  indexes.set(document.root, index);
  return index;
}

/** Splits `createTimeEntry`, `create_a_customer` or `updateOrCreateInvoices` into lower-case words. */
function words(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

const CREATE_VERBS = new Set(["create", "add", "record", "post", "import", "new", "collect", "charge"]);
const UPDATE_VERBS = new Set(["update", "set", "change", "patch", "edit", "modify", "void", "close", "cancel", "stop", "reactivate"]);
const DELETE_VERBS = new Set(["delete", "remove"]);

/** What calling the operation does, from its method and the verb its operationId starts with. */
export function effectOf(method: Method, id: string): Operation["effect"] {
  if (method === "get") return "read";
  if (method === "delete") return "delete";
  const [verb = "", ...rest] = words(id);
  if (rest.includes("or") && (verb === "update" || verb === "create")) return "upsert";
  if (verb === "upsert") return "upsert";
  if (CREATE_VERBS.has(verb)) return "create";
  if (UPDATE_VERBS.has(verb)) return "update";
  if (DELETE_VERBS.has(verb)) return "delete";
  return method === "post" ? "create" : "update";
}

type BodyChoice = { mediaType: string; schema: unknown } | undefined;

function pickContent(content: unknown, preferred: readonly string[]): BodyChoice {
  if (content === null || typeof content !== "object") return undefined;
  const entries = Object.entries(content as Record<string, { schema?: unknown }>);
  for (const want of preferred) {
    const hit = entries.find(([type]) => type.split(";")[0]?.trim().toLowerCase() === want);
    if (hit !== undefined) return { mediaType: want, schema: hit[1]?.schema };
  }
  const json = entries.find(([type]) => /[/+]json\b/i.test(type));
  if (json !== undefined) return { mediaType: "application/json", schema: json[1]?.schema };
  const first = entries[0];
  return first === undefined ? undefined : { mediaType: first[0], schema: first[1]?.schema };
}

/** Names a body schema: a component keeps its name, anything inline is named after the operation. */
function bodySchema(collector: SchemaCollector, schema: unknown, fallback: string, named: Record<string, JsonSchema>): string {
  const ref = (schema as { $ref?: unknown } | null)?.$ref;
  const match = typeof ref === "string" ? /^#\/components\/schemas\/([^/]+)$/.exec(ref) : null;
  if (match?.[1] !== undefined) return collector.component(decodeURIComponent(match[1]));
  const name = collector.reserve(fallback);
  named[name] = collector.convert(schema ?? {});
  return name;
}

function successResponse(document: OpenApiDocument, responses: unknown): unknown {
  if (responses === null || typeof responses !== "object") return undefined;
  const codes = Object.keys(responses).filter((code) => /^2(\d\d|XX)$/i.test(code));
  codes.sort();
  const code = codes[0];
  if (code === undefined) return undefined;
  return deref(document.root, (responses as Record<string, unknown>)[code]);
}

function securityOf(document: OpenApiDocument, operation: Readonly<Record<string, unknown>>): SecurityUse[] {
  const requirements = (operation["security"] ?? document.root["security"] ?? []) as Record<string, unknown>[];
  const first = Array.isArray(requirements) ? requirements[0] : undefined;
  if (first === undefined || first === null || typeof first !== "object") return [];
  return Object.entries(first).map(([scheme, scopes]) => ({ scheme, scopes: Array.isArray(scopes) ? scopes.map(String) : [] }));
}

const IGNORED_HEADERS = /^(content-type|accept|authorization|user-agent)$/i;

/** Imports one operation of the document into the collector. */
export function importOperation(document: OpenApiDocument, source: DocumentOperation, collector: SchemaCollector, system: string): ImportedOperation {
  const name = schemaName(source.id);
  const op = source.operation;
  const notes: string[] = [];
  const schemas: Record<string, JsonSchema> = {};
  const operation: Operation = {
    method: source.method.toUpperCase() as Operation["method"],
    path: source.path.startsWith("/") ? source.path : `/${source.path}`,
    effect: effectOf(source.method, source.id),
  };
  const summary = typeof op["summary"] === "string" ? op["summary"] : undefined;
  if (summary !== undefined && summary.trim() !== "") operation.description = summary.trim();

  const requestBody = deref<Record<string, unknown>>(document.root, op["requestBody"] as Record<string, unknown>);
  if (requestBody !== undefined) {
    const body = pickContent(requestBody["content"], ["application/json", "application/x-www-form-urlencoded"]);
    if (body?.mediaType === "application/json" || body?.mediaType === "application/x-www-form-urlencoded") {
      operation.request = bodySchema(collector, body.schema, `${name}Request`, schemas);
      if (body.mediaType === "application/x-www-form-urlencoded") operation.encoding = "form";
    } else if (body !== undefined) {
      notes.push(`operation ${name} sends ${body.mediaType}, which syncspec does not encode (json and form only); its request body was left out`);
    }
  }
  const response = successResponse(document, op["responses"]) as { content?: unknown } | undefined;
  const responseBody = pickContent(response?.content, ["application/json"]);
  if (responseBody?.mediaType === "application/json" && responseBody.schema !== undefined) {
    operation.response = bodySchema(collector, responseBody.schema, `${name}Response`, schemas);
  }

  const idempotencyHeader = source.parameters.find((p) => p.in === "header" && /idempot/i.test(p.name));
  if (idempotencyHeader !== undefined) operation.idempotency = { mechanism: "key-header", header: idempotencyHeader.name };
  else if (operation.effect !== "read") operation.idempotency = { mechanism: "none" };

  for (const p of source.parameters) {
    if (!p.required || p.in === "path") continue;
    if (p.in === "header" && (IGNORED_HEADERS.test(p.name) || /tenant/i.test(p.name) || p === idempotencyHeader)) continue;
    notes.push(`operation ${name} requires the ${p.in} parameter '${p.name}', which the System model does not declare: the route must supply it`);
  }
  if (source.kind === "webhook") return { ...webhookEvent(document, system, name, source, operation, notes), schemas, security: [] };
  return { name, source, operation, schemas, security: securityOf(document, op), notes };
}

const SIGNATURE_HEADER = /signature/i;

/** A webhook of the document as a System event: its payload is the request body the vendor sends. */
function webhookEvent(document: OpenApiDocument, system: string, name: string, source: DocumentOperation, operation: Operation, notes: string[]) {
  const event: SystemEvent = {
    ...(operation.description === undefined ? {} : { description: operation.description }),
    delivery: "webhook",
    payload: operation.request ?? "",
    webhook: { path: `/webhooks/${system}/${source.path.replace(/[^A-Za-z0-9_-]+/g, "-")}` },
  };
  if (operation.request === undefined) notes.push(`webhook ${name} declares no JSON payload; name its payload schema`);
  const declared = [
    ...source.parameters.filter((p) => p.in === "header").map((p) => p.name),
    ...Object.keys((resolvePointer(document.root, "#/components/headers") ?? {}) as Record<string, unknown>),
  ];
  const header = declared.find((h) => SIGNATURE_HEADER.test(h));
  if (header !== undefined && event.webhook !== undefined) {
    event.webhook.signature = { scheme: "hmac-sha256", header, encoding: "base64", secret: { secret: `${system}/webhook-key` } };
    notes.push(`spec.events.${name}.webhook.signature: the document names the ${header} header; check the scheme (HMAC-SHA256 of the raw body, base64, assumed) against the vendor's documentation`);
  } else notes.push(`spec.events.${name}.webhook: the document declares no signature header; declare how the vendor signs deliveries`);
  return { name, source, operation, event, notes };
}

/** The tenant header the operations require (Xero's `Xero-Tenant-Id`), if any. */
export function tenantHeaderOf(operations: readonly ImportedOperation[]): string | undefined {
  for (const imported of operations) {
    const header = imported.source.parameters.find((p) => p.in === "header" && p.required && /tenant/i.test(p.name));
    if (header !== undefined) return header.name;
  }
  return undefined;
}

/** The security scheme object a requirement names, `$ref` followed. */
export function securityScheme(document: OpenApiDocument, name: string): Record<string, unknown> | undefined {
  const raw = resolvePointer(document.root, `#/components/securitySchemes/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  return deref(document.root, raw as Record<string, unknown> | undefined);
}
