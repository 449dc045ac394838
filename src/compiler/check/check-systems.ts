/** References inside System documents: schemas named by operations and events, `$ref`s, polling operations. */
import type { JsonSchema, SystemEvent } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { checkWriteBacks } from "./check-write-back.ts";
import { type CheckContext, expectName } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

function checkRefs(cx: CheckContext, doc: BoundDocument<"System">, schema: unknown, path: PathSegment[], names: string[]): void {
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: schema, path }];
  while (stack.length > 0) {
    const { node, path: here } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, path: [...here, i] }));
      continue;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === "pattern" && typeof value === "string") checkPattern(cx, doc, [...here, key], value);
      else if (key === "patternProperties" && value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [pattern, sub] of Object.entries(value as Record<string, unknown>)) {
          checkPattern(cx, doc, [...here, key, pattern], pattern, "key");
          stack.push({ node: sub, path: [...here, key, pattern] });
        }
      } else if (key === "$ref" && typeof value === "string") {
        const match = /^#\/(?:components\/)?schemas\/(.+)$/.exec(value);
        expectName(cx, doc, [...here, key], "schema", match?.[1] ?? value, names, { scope: `system ${doc.name}` });
      } else stack.push({ node: value, path: [...here, key] });
    }
  }
}

/** A token as RFC 9110 defines a field name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Reports a JSON Schema `pattern` that does not compile the way the validators compile it (Unicode mode). */
function checkPattern(cx: CheckContext, doc: BoundDocument<"System">, path: PathSegment[], pattern: string, part: "key" | "value" = "value"): void {
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    const detail = String((error as Error).message).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    const shown = pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern;
    cx.report(diagnostic("invalid-pattern", { pattern: shown, detail }, doc.source.locate(path, part)));
  }
}

/** Reports a header name a request could not carry. */
function checkHeaderName(cx: CheckContext, doc: BoundDocument<"System">, path: PathSegment[], name: string | undefined): void {
  if (name !== undefined && !HEADER_NAME.test(name)) cx.report(diagnostic("invalid-header-name", { name }, doc.source.locate(path)));
}

/** A webhook's authentication names exactly one way, and `none` does not sit beside a signature. */
function checkWebhookAuthentication(cx: CheckContext, doc: BoundDocument<"System">, webhook: NonNullable<SystemEvent["webhook"]>, at: PathSegment[]): void {
  const authentication = webhook.authentication;
  if (authentication === undefined) return;
  const ways = (["basic", "bearer", "none"] as const).filter((way) => authentication[way] !== undefined);
  if (ways.length !== 1) {
    cx.report(diagnostic("webhook-authentication-kind", { count: ways.length }, doc.source.locate([...at, "authentication"], "key")));
    return;
  }
  if (ways[0] === "none" && webhook.signature !== undefined) {
    cx.report(diagnostic("webhook-authentication-none-signed", {}, doc.source.locate([...at, "authentication", "none"], "key")));
  }
}

/** Checks one System document. */
export function checkSystem(cx: CheckContext, doc: BoundDocument<"System">): void {
  const spec = doc.value.spec;
  const schemas = Object.keys(spec.schemas ?? {});
  const operations = Object.keys(spec.operations ?? {});
  const scope = { scope: `system ${doc.name}` };
  for (const [name, schema] of Object.entries(spec.schemas ?? {}) as [string, JsonSchema][]) {
    checkRefs(cx, doc, schema, ["spec", "schemas", name], schemas);
  }
  for (const [name, op] of Object.entries(spec.operations ?? {})) {
    const at = ["spec", "operations", name];
    checkHeaderName(cx, doc, [...at, "idempotency", "header"], op.idempotency?.header);
    if (op.request !== undefined) expectName(cx, doc, [...at, "request"], "schema", op.request, schemas, scope);
    if (op.response !== undefined) expectName(cx, doc, [...at, "response"], "schema", op.response, schemas, scope);
    if (op.entity !== undefined) expectName(cx, doc, [...at, "entity"], "entity", op.entity, cx.set.entities.keys(), { kind: "Entity" });
  }
  checkWriteBacks(cx, doc);
  checkHeaderName(cx, doc, ["spec", "auth", "header"], spec.auth.header);
  checkHeaderName(cx, doc, ["spec", "auth", "tenantHeader", "name"], spec.auth.tenantHeader?.name);
  for (const [name, event] of Object.entries(spec.events ?? {})) {
    const at = ["spec", "events", name];
    checkHeaderName(cx, doc, [...at, "webhook", "signature", "header"], event.webhook?.signature?.header);
    checkHeaderName(cx, doc, [...at, "webhook", "signature", "timestampHeader"], event.webhook?.signature?.timestampHeader);
    expectName(cx, doc, [...at, "payload"], "schema", event.payload, schemas, scope);
    if (event.entity !== undefined) expectName(cx, doc, [...at, "entity"], "entity", event.entity, cx.set.entities.keys(), { kind: "Entity" });
    if (event.polling !== undefined) expectName(cx, doc, [...at, "polling", "operation"], "operation", event.polling.operation, operations, scope);
    if (event.webhook !== undefined) checkWebhookAuthentication(cx, doc, event.webhook, [...at, "webhook"]);
  }
}
