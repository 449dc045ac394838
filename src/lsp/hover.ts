/**
 * Hover: for a name, what it declares (an entity's description, a field's type and meaning, a
 * mapping's source and target, an operation's method and path); for a key, the model's
 * description and type, so a route step's action says what the step does; for `$previous` in a
 * correction's mapping or parameters, what the step posted before.
 */
import { type Hover, MarkupKind } from "vscode-languageserver";
import type { SpecSet } from "../compiler/check/spec-set.ts";
import type { ParsedDocument } from "../compiler/parse/document.ts";
import type { Field, Shape } from "../model/index.ts";
import { pathInDocuments } from "./document-paths.ts";
import { keyInfo } from "./model-schema.ts";
import { previousHover } from "./previous.ts";
import type { SymbolEntry } from "./symbol-index.ts";

function describeShape(shape: Shape): string {
  return shape.entity !== undefined ? `entity \`${shape.entity}\`` : `\`${shape.system ?? "?"}\` schema \`${shape.schema ?? "?"}\``;
}

function fieldText(name: string, field: Field, owner: string): string {
  const flags = [field.required === true ? "required" : "optional", field.classification].filter((f) => f !== undefined).join(", ");
  const type = field.type === "reference" && field.entity !== undefined ? `reference to ${field.entity}` : field.type;
  return [`**field** \`${name}\` of ${owner}: \`${type}\` (${flags})`, field.description ?? ""].filter((s) => s !== "").join("\n\n");
}

function schemaFieldText(set: SpecSet, system: string, schema: string, name: string): string {
  const body = (set.systems.get(system)?.value.spec.schemas?.[schema] ?? {}) as { properties?: Record<string, { type?: unknown; description?: string }>; required?: string[] };
  const property = body.properties?.[name] ?? {};
  const required = body.required?.includes(name) === true ? "required" : "optional";
  return [`**field** \`${name}\` of \`${system}\` schema \`${schema}\`: \`${String(property.type ?? "any")}\` (${required})`, property.description ?? ""].filter((s) => s !== "").join("\n\n");
}

function fieldHover(set: SpecSet, key: string): string | undefined {
  const parts = key.slice("field:".length).split("/");
  if (parts.length === 3) return schemaFieldText(set, parts[0] ?? "", parts[1] ?? "", parts[2] ?? "");
  const [entity = "", name = ""] = parts;
  const field = set.entities.get(entity)?.value.spec.fields[name];
  return field === undefined ? undefined : fieldText(name, field, `entity \`${entity}\``);
}

function memberHover(set: SpecSet, entry: SymbolEntry): string | undefined {
  const [system = "", member = ""] = entry.name.split(".");
  const spec = set.systems.get(system)?.value.spec;
  if (entry.what === "operation") {
    const op = spec?.operations?.[member];
    if (op === undefined) return undefined;
    const io = [op.request === undefined ? undefined : `request \`${op.request}\``, op.response === undefined ? undefined : `response \`${op.response}\``].filter((s) => s !== undefined);
    return [`**operation** \`${entry.name}\`: \`${op.method} ${op.path}\``, io.join(", "), op.description ?? ""].filter((s) => s !== "").join("\n\n");
  }
  const event = spec?.events?.[member];
  return event === undefined ? undefined : [`**event** \`${entry.name}\``, event.payload === undefined ? "" : `payload \`${event.payload}\``, event.description ?? ""].filter((s) => s !== "").join("\n\n");
}

/** The hover text for a symbol. */
export function symbolHover(set: SpecSet, entry: SymbolEntry): string | undefined {
  if (entry.what === "field") return fieldHover(set, entry.key);
  if (entry.what === "operation" || entry.what === "event") return memberHover(set, entry);
  if (entry.what === "schema") return `**schema** \`${entry.key.slice("schema:".length)}\``;
  if (entry.what === "canonical event") {
    const event = set.canonicalEvents.get(entry.name);
    if (event === undefined) return undefined;
    const publishers = [...new Set([...event.emittedBy.map((e) => e.route.name), ...(event.writtenBackBy ?? []).map((w) => `${w.system.name}.${w.operation}`)])];
    const routes = publishers.map((r) => `\`${r}\``).join(", ");
    return `**canonical event** \`${event.name}\`${event.entity === undefined ? "" : ` carrying entity \`${event.entity}\``}, emitted by ${routes}`;
  }
  const doc = set.documents.find((d) => `${d.kind}:${d.name}` === entry.key);
  if (doc === undefined) return undefined;
  const heading = `**${doc.kind}** \`${doc.name}\` ${doc.value.metadata.version} (team ${doc.value.metadata.team})`;
  let detail = "";
  if (doc.kind === "Mapping") {
    const spec = (doc.value as { spec: { source: Shape; target: Shape } }).spec;
    detail = `maps ${describeShape(spec.source)} to ${describeShape(spec.target)}; produces ${describeShape(spec.target)}`;
  }
  if (doc.kind === "Entity") detail = `fields: ${Object.keys((doc.value as { spec: { fields: object } }).spec.fields).join(", ")}`;
  return [heading, detail, doc.value.metadata.description ?? ""].filter((s) => s !== "").join("\n\n");
}

/**
 * The hover at `offset` of `text`: a symbol when one is written there, `$previous` where a
 * correction binds it, else the key's documentation.
 */
export function hoverAt(set: SpecSet, entry: SymbolEntry | undefined, documents: readonly ParsedDocument[], text: string, offset: number): Hover | null {
  const bound = set.documents.filter((d) => d.source.file.text === text);
  const fromSymbol = entry === undefined ? previousHover(set, bound, text, offset) : symbolHover(set, entry);
  if (fromSymbol !== undefined) return { contents: { kind: MarkupKind.Markdown, value: fromSymbol } };
  const hit = pathInDocuments(documents, offset);
  const kind = (hit?.document.value as { kind?: unknown } | undefined)?.kind;
  if (hit === undefined || typeof kind !== "string") return null;
  const path = [...hit.path];
  while (path.length > 0 && typeof path[path.length - 1] !== "string") path.pop();
  const info = keyInfo(kind, path);
  if (info === undefined) return null;
  const value = [`**${info.name}**${info.type === undefined ? "" : `: \`${info.type}\``}${info.required ? " (required)" : ""}`, info.description ?? ""].filter((s) => s !== "").join("\n\n");
  return { contents: { kind: MarkupKind.Markdown, value } };
}
