/**
 * A System that names a vendor OpenAPI document (`spec.openapi: { document, operations }`) gets
 * the operations and schemas it uses from that document, at compile time. What the System
 * declares itself wins, so an architect can narrow a vendor schema or rename nothing at all.
 * Because the document is read on every compile, a new vendor version flows into the schemas
 * the mappings are checked against, and `spec breaking` sees the difference as a schema change.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { SystemDocument } from "../../model/system.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { ParsedDocument } from "../parse/document.ts";
import { importOperations } from "./import-openapi.ts";
import { readOpenApiDocument } from "./openapi-document.ts";

/** Merges the referenced document's operations and schemas into a System's value (in place). */
export function expandOpenApiReference(system: SystemDocument, source: ParsedDocument): Diagnostic[] {
  const reference = system.spec.openapi;
  if (reference === undefined) return [];
  const path = resolve(dirname(source.file.path), reference.document);
  const [document, reason] = readOpenApiDocument(path);
  if (document === undefined) {
    const at = source.locate(["spec", "openapi", "document"]);
    if (!existsSync(path)) return [diagnostic("path-not-found", { path: reference.document }, at)];
    return [diagnostic("file-unreadable", { reason: `${reference.document} is not a usable OpenAPI document: ${reason}` }, at)];
  }
  const { operations, events, schemas, unknown } = importOperations(document, reference.operations, system.metadata.name);
  const diagnostics = unknown.map((u) =>
    diagnostic(
      "unknown-reference",
      { what: "operationId", name: u.id, scope: reference.document, ...(u.suggestion === undefined ? {} : { suggestion: u.suggestion }) },
      source.locate(["spec", "openapi", "operations", u.index]),
    ),
  );
  system.spec.schemas = { ...schemas, ...system.spec.schemas };
  system.spec.operations = { ...operations, ...system.spec.operations };
  if (Object.keys(events).length > 0) system.spec.events = { ...events, ...system.spec.events };
  return diagnostics;
}
