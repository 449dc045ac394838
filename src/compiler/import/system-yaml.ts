/**
 * Printing an imported System as a spec file: the editor's schema line first, then what the
 * architect must still declare as comments, then the document in the model's key order.
 */
import { dirname, relative, sep } from "node:path";
import { Document, isMap, isScalar, visit } from "yaml";
import type { SystemDocument } from "../../model/system.ts";

/** The published URL of the System schema, used when the project's schemas/ folder is not found. */
export const SYSTEM_SCHEMA_URL = "https://syncspec.dev/schemas/v1/system.schema.json";

/** The `$schema` reference for a file at `outFile`: relative to the project's schemas/, or the published URL. */
export function schemaReference(outFile: string, schemaFile: string | undefined): string {
  if (schemaFile === undefined) return SYSTEM_SCHEMA_URL;
  const path = relative(dirname(outFile), schemaFile).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

function comment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}

/** The spec file's text. `source` names the OpenAPI document for the header comment. */
export function printSystemYaml(document: SystemDocument, notes: readonly string[], options: { schema: string; source: string }): string {
  const { role, baseUrl, auth, quotas, timeout, classification, openapi, operations, events, schemas, ...rest } = document.spec;
  const spec = { role, baseUrl, auth, quotas, timeout, classification, openapi, ...rest, operations, events, schemas };
  const ordered = {
    apiVersion: document.apiVersion,
    kind: document.kind,
    metadata: document.metadata,
    spec: Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)),
  };
  const header = [`# yaml-language-server: $schema=${options.schema}`, `# Imported by \`spec import openapi\` from ${comment(options.source)}.`];
  if (notes.length > 0) {
    header.push("# Still to declare or check:");
    for (const note of notes) header.push(`#   - ${comment(note)}`);
  }
  const doc = new Document(ordered, { aliasDuplicateObjects: false });
  // References (`{ env: X, default: url }`) and other small all-scalar maps read best on one line.
  visit(doc, {
    Map(_, node) {
      if (node.items.length <= 3 && node.items.every((pair) => isScalar(pair.value) && String(pair.value.value).length <= 60)) node.flow = true;
    },
    Seq(_, node) {
      const scalars = node.items.every((item) => isScalar(item));
      if (scalars && node.items.map((item) => String((item as { value: unknown }).value)).join(", ").length <= 80) node.flow = true;
    },
  });
  if (isMap(doc.contents)) doc.contents.flow = false;
  const body = doc.toString({ lineWidth: 0, indent: 2 });
  return `${header.join("\n")}\n${body}`;
}
