/**
 * `spec import openapi`: an OpenAPI document to a System spec. Only the operations asked for are
 * imported, with the schemas they reach; what the document cannot say (the vendor's quotas, the
 * owning team) is listed as notes for the architect.
 */
import { API_VERSION } from "../../model/constants.ts";
import type { JsonSchema } from "../../model/json-schema.ts";
import type { Operation, SystemDocument, SystemEvent, SystemSpec } from "../../model/system.ts";
import { suggest } from "../diagnostics/suggest.ts";
import { authOf, baseUrlOf } from "./auth.ts";
import type { OpenApiDocument } from "./openapi-document.ts";
import { type ImportedOperation, importOperation, operationIndex } from "./operations.ts";
import { createSchemaCollector } from "./schemas.ts";

/** An operationId that is not in the document, with the closest one that is. */
export interface UnknownOperation {
  id: string;
  /** Its position in the list asked for. */
  index: number;
  suggestion?: string;
}

/** The operations and schemas a set of operationIds brings in. */
export interface ImportedOperations {
  operations: Record<string, Operation>;
  /** The document's webhooks that were asked for, as events. */
  events: Record<string, SystemEvent>;
  schemas: Record<string, JsonSchema>;
  imported: readonly ImportedOperation[];
  notes: string[];
  unknown: UnknownOperation[];
}

/** Imports the named operations and webhooks (every one of the document's when `ids` is undefined) and the schemas they reach. */
export function importOperations(document: OpenApiDocument, ids: readonly string[] | undefined, system: string): ImportedOperations {
  const index = operationIndex(document);
  const collector = createSchemaCollector(document);
  const unknown: UnknownOperation[] = [];
  const imported: ImportedOperation[] = [];
  const seen = new Set<string>();
  (ids ?? [...index.keys()]).forEach((id, position) => {
    const source = index.get(id);
    if (source === undefined) {
      const suggestion = suggest(id, index.keys());
      unknown.push(suggestion === undefined ? { id, index: position } : { id, index: position, suggestion });
      return;
    }
    if (seen.has(id)) return;
    seen.add(id);
    imported.push(importOperation(document, source, collector, system));
  });
  const named: Record<string, JsonSchema> = {};
  for (const op of imported) Object.assign(named, op.schemas);
  const schemas = collector.drain(named);
  const operations: Record<string, Operation> = {};
  const events: Record<string, SystemEvent> = {};
  for (const op of imported) {
    if (op.event !== undefined) events[op.name] = op.event;
    else operations[op.name] = op.operation;
  }
  const notes = [...new Set([...imported.flatMap((o) => o.notes), ...collector.problems])];
  return { operations, events, schemas, imported, notes, unknown };
}

/** What the importer needs to know beyond the document. */
export interface ImportOptions {
  system: string;
  role?: SystemSpec["role"];
  team?: string;
  /** The operationIds to import; all of the document's when undefined. */
  operations?: readonly string[];
}

/** A System spec and what the architect must still declare. */
export interface ImportResult {
  document: SystemDocument;
  notes: string[];
  unknown: UnknownOperation[];
}

/** Imports a System spec from an OpenAPI document. */
export function importOpenApi(document: OpenApiDocument, options: ImportOptions): ImportResult {
  const { operations, events, schemas, imported, notes: operationNotes, unknown } = importOperations(document, options.operations, options.system);
  const called = imported.filter((o) => o.event === undefined);
  const notes: string[] = [];
  const spec: SystemSpec = {
    role: options.role ?? "other",
    baseUrl: baseUrlOf(document, options.system, notes),
    auth: authOf(document, options.system, called, notes),
  };
  if (options.role === undefined) notes.push("spec.role: set to 'other'; say what the system is for the firm (psa, erp, billing...)");
  notes.push("spec.quotas: the document does not state the vendor's rate limits; declare requestsPerMinute (and burst, concurrency) from the vendor's documentation");
  if (options.team === undefined) notes.push("metadata.team: name the team that owns this system");
  if (called.length > 0) {
    notes.push("spec.operations.*.entity: name the canonical entity each operation reads or writes, where routes deliver to it");
  }
  if (Object.keys(schemas).length > 0) spec.schemas = schemas;
  if (Object.keys(operations).length > 0 || Object.keys(events).length === 0) spec.operations = operations;
  if (Object.keys(events).length > 0) spec.events = events;
  const names = imported.map((o) => o.name);
  const listed = names.length <= 8 ? names.join(", ") : `${names.slice(0, 8).join(", ")} and ${names.length - 8} more`;
  const metadata: SystemDocument["metadata"] = {
    name: options.system,
    version: "1.0.0",
    description: `${document.title} ${document.apiVersion}, imported from its OpenAPI document: ${listed}.`,
    labels: { vendor: document.title, "vendor-version": document.apiVersion },
  };
  if (options.team !== undefined) metadata.team = options.team;
  return {
    document: { apiVersion: API_VERSION, kind: "System", metadata, spec },
    notes: [...notes, ...operationNotes],
    unknown,
  };
}
