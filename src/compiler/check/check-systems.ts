/** References inside System documents: schemas named by operations and events, `$ref`s, polling operations. */
import type { JsonSchema, SystemEvent } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
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
      if (key === "$ref" && typeof value === "string") {
        const match = /^#\/(?:components\/)?schemas\/(.+)$/.exec(value);
        expectName(cx, doc, [...here, key], "schema", match?.[1] ?? value, names, { scope: `system ${doc.name}` });
      } else stack.push({ node: value, path: [...here, key] });
    }
  }
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
    if (op.request !== undefined) expectName(cx, doc, [...at, "request"], "schema", op.request, schemas, scope);
    if (op.response !== undefined) expectName(cx, doc, [...at, "response"], "schema", op.response, schemas, scope);
    if (op.entity !== undefined) expectName(cx, doc, [...at, "entity"], "entity", op.entity, cx.set.entities.keys(), { kind: "Entity" });
  }
  for (const [name, event] of Object.entries(spec.events ?? {})) {
    const at = ["spec", "events", name];
    expectName(cx, doc, [...at, "payload"], "schema", event.payload, schemas, scope);
    if (event.entity !== undefined) expectName(cx, doc, [...at, "entity"], "entity", event.entity, cx.set.entities.keys(), { kind: "Entity" });
    if (event.polling !== undefined) expectName(cx, doc, [...at, "polling", "operation"], "operation", event.polling.operation, operations, scope);
    if (event.webhook !== undefined) checkWebhookAuthentication(cx, doc, event.webhook, [...at, "webhook"]);
  }
}
