/**
 * The validation stage for one document: the envelope first (apiVersion, kind), so an unknown
 * kind says so instead of failing every field, then the kind's JSON Schema.
 */
import { API_VERSION, KIND_NAMES, type KindName } from "../../model/index.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { suggest } from "../diagnostics/suggest.ts";
import type { ParsedDocument } from "../parse/document.ts";
import { schemaErrors } from "./ajv.ts";
import { rewriteSchemaErrors } from "./rewrite-errors.ts";

/** A document that passed its schema, with its kind known. */
export interface ValidDocument extends ParsedDocument {
  kind: KindName;
}

/** Validates one parsed document. Returns it typed by kind when valid. */
export function validateDocument(doc: ParsedDocument): [ValidDocument | undefined, Diagnostic[]] {
  const value = doc.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [undefined, [diagnostic("not-an-object", { what: "a spec document" }, doc.locate([]))]];
  }
  const record = value as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];
  if (!("apiVersion" in record)) diagnostics.push(diagnostic("missing-key", { where: "the document", key: "apiVersion" }, doc.locate([])));
  else if (record["apiVersion"] !== API_VERSION) {
    diagnostics.push(
      diagnostic("unknown-api-version", { apiVersion: String(record["apiVersion"]), expected: API_VERSION }, doc.locate(["apiVersion"])),
    );
  }
  const kind = record["kind"];
  if (kind === undefined) {
    diagnostics.push(diagnostic("missing-key", { where: "the document", key: "kind" }, doc.locate([])));
    return [undefined, diagnostics];
  }
  if (typeof kind !== "string" || !(KIND_NAMES as readonly string[]).includes(kind)) {
    const name = String(kind);
    const suggestion = suggest(name, KIND_NAMES);
    const kinds = KIND_NAMES.join(", ");
    diagnostics.push(
      diagnostic("unknown-kind", suggestion === undefined ? { kind: name, kinds } : { kind: name, kinds, suggestion }, doc.locate(["kind"])),
    );
    return [undefined, diagnostics];
  }
  // The envelope was checked above; the schema's own complaints about it would say the same again.
  const errors = schemaErrors(kind as KindName, value).filter(
    (e) => !(e.instancePath === "/apiVersion" || (e.instancePath === "" && e.keyword === "required" && e.params["missingProperty"] === "apiVersion")),
  );
  for (const d of rewriteSchemaErrors(errors, doc)) diagnostics.push(d);
  if (diagnostics.length > 0) return [undefined, diagnostics];
  return [{ ...doc, kind: kind as KindName }, []];
}
