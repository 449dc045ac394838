/**
 * A System that names a vendor OpenAPI document (`spec.openapi: { document, operations }`) gets
 * the operations and schemas it uses from that document, at compile time. What the System
 * declares itself wins, so an architect can narrow a vendor schema or rename nothing at all.
 * Because the document is read on every compile, a new vendor version flows into the schemas
 * the mappings are checked against, and `spec breaking` sees the difference as a schema change.
 */
import { dirname, resolve } from "node:path";
import type { SystemDocument } from "../../model/system.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { ParsedDocument } from "../parse/document.ts";
import { refusalDiagnostic } from "../read-file.ts";
import { importOperations } from "./import-openapi.ts";
import { readOpenApiDocument } from "./openapi-document.ts";

/**
 * Merges the referenced document's operations and schemas into a System's value (in place). The
 * document must be a regular file inside `root` (the project root), symbolic links resolved.
 */
export function expandOpenApiReference(system: SystemDocument, source: ParsedDocument, root: string): Diagnostic[] {
  const reference = system.spec.openapi;
  if (reference === undefined) return [];
  const path = resolve(dirname(source.file.path), reference.document);
  const [document, reason, refusal] = readOpenApiDocument(path, { root });
  if (document === undefined) {
    const at = source.locate(["spec", "openapi", "document"]);
    if (refusal?.code === "nesting-too-deep") return [diagnostic("nesting-too-deep", { limit: refusal.limit, path: reference.document }, at)];
    if (refusal !== undefined) return [refusalDiagnostic(refusal, reference.document, at)];
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
