/** Small reporting helpers the checks share: unknown names and unknown field paths, located. */
import type { KindName } from "../../model/index.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import type { PathSegment } from "../parse/document.ts";
import { type RecordShape, resolvePath, type ShapeField } from "./shapes.ts";
import type { BoundDocument, SpecSet } from "./spec-set.ts";

/** A name one document uses to refer to a declaration, found or not. */
export interface NameReference {
  doc: BoundDocument;
  /** Where the name is written in the document. */
  path: readonly PathSegment[];
  /** What it names: entity, system, mapping, operation, event, schema... */
  what: string;
  name: string;
  /** For a name declared inside a document (a system's schema), that document's description. */
  scope?: string;
}

/** The checks' shared state: the set, where findings go, and who wants to see each reference. */
export interface CheckContext {
  set: SpecSet;
  report(d: Diagnostic): void;
  /** Called for every name checked with `expectName`, so tools can index references. */
  onReference?(reference: NameReference): void;
}

/**
 * Checks that `name` is one of `names`; otherwise reports `unknown <what>` at `path` with a
 * suggestion. Names declared by invalid documents of `kind` count as known. Returns whether found.
 */
export function expectName(
  cx: CheckContext,
  doc: BoundDocument,
  path: readonly PathSegment[],
  what: string,
  name: string,
  names: Iterable<string>,
  options: { kind?: KindName; scope?: string } = {},
): boolean {
  cx.onReference?.({ doc, path, what, name, ...(options.scope === undefined ? {} : { scope: options.scope }) });
  const list = [...names];
  if (list.includes(name)) return true;
  if (options.kind !== undefined && cx.set.invalidNames.get(options.kind)?.has(name)) return true;
  cx.report(
    diagnostic(
      "unknown-reference",
      {
        what,
        name,
        ...(options.scope === undefined ? {} : { scope: options.scope }),
        ...nameHint(name, list),
      },
      doc.source.locate(path),
    ),
  );
  return false;
}

/**
 * Checks a dotted field path written at `path` against a shape. The diagnostic covers the
 * segment that does not exist, inside the string where the front end can map it.
 */
export function expectFieldPath(
  cx: CheckContext,
  doc: BoundDocument,
  path: readonly PathSegment[],
  fieldPath: string,
  shape: RecordShape | undefined,
  part: "key" | "value" = "value",
): ShapeField | undefined {
  if (shape === undefined) return undefined;
  const resolution = resolvePath(shape, fieldPath);
  if (resolution.ok) return resolution.field;
  let location = doc.source.locate(path, part);
  const offsets = part === "value" ? doc.source.stringOffsets?.(path) : undefined;
  if (offsets !== undefined) {
    const start = offsets(resolution.offset);
    location = { file: location.file, start, end: start + resolution.segment.length };
  } else if (part === "key" && location.end - location.start === fieldPath.length) {
    const start = location.start + resolution.offset;
    location = { file: location.file, start, end: start + resolution.segment.length };
  }
  cx.report(
    diagnostic(
      "unknown-field",
      { field: resolution.segment, shape: resolution.within, ...nameHint(resolution.segment, resolution.candidates) },
      location,
    ),
  );
  return undefined;
}
