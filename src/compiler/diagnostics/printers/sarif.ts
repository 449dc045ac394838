/**
 * SARIF 2.1.0, the format GitHub code scanning and other CI tools load: one run, the rules that
 * fired (with their metadata and stable ids), each result located by a path relative to the
 * project root and a one-based region, with a fingerprint that survives line shifts.
 */
import { capDiagnostics } from "../cap.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { lineAndColumn } from "../source-file.ts";

/** What a printer may know about a rule beyond its code. */
export interface RuleMetadata {
  id: string;
  description: string;
  /** A link or a path (relative to the root) to the rule's page. */
  docs?: string;
  severity?: Diagnostic["severity"];
  category?: string;
}

/** Options of the SARIF printer. */
export interface SarifOptions {
  /** Artifact locations are written relative to this folder. */
  root: string;
  /** Metadata for rule ids; codes without an entry get a minimal rule. */
  rules?: readonly RuleMetadata[];
  toolVersion?: string;
}

const LEVEL = { error: "error", warn: "warning", info: "note", hint: "note" } as const;

/** A relative path as a URI reference: forward slashes, each segment percent-encoded. */
export function relativeUri(path: string, root: string): string {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const relative = path.startsWith(prefix) ? path.slice(prefix.length) : path;
  return relative.split(/[\\/]/).map(encodeURIComponent).join("/");
}

function ruleOf(meta: RuleMetadata) {
  const docs = meta.docs;
  return {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.description },
    ...(docs !== undefined && /^https?:\/\//.test(docs) ? { helpUri: docs } : {}),
    help: { text: docs === undefined ? meta.description : `${meta.description} See ${docs}.` },
    defaultConfiguration: { level: LEVEL[meta.severity ?? "error"] },
    properties: { ...(meta.category === undefined ? {} : { category: meta.category }), ...(docs === undefined ? {} : { docs }) },
  };
}

/** Builds the SARIF log object. */
export function sarifLog(all: readonly Diagnostic[], options: SarifOptions) {
  // Results are capped like every report; the run's properties count every diagnostic found.
  const { shown: diagnostics, totals } = capDiagnostics(all);
  const known = new Map((options.rules ?? []).map((r) => [r.id, r]));
  const ids = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules = ids.map((id) => ruleOf(known.get(id) ?? { id, description: `syncspec diagnostic ${id}` }));
  const index = new Map(ids.map((id, i) => [id, i]));
  const rootUri = `file://${options.root.endsWith("/") ? options.root : `${options.root}/`}`.split("/").map((s, i) => (i < 3 ? s : encodeURIComponent(s))).join("/");
  const results = diagnostics.map((d) => {
    const fingerprint = (d as { fingerprint?: string }).fingerprint;
    const location = d.location;
    const region =
      location === undefined
        ? undefined
        : (() => {
            const start = lineAndColumn(location.file, location.start);
            const end = lineAndColumn(location.file, Math.max(location.start, location.end));
            return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: Math.max(end.column, end.line === start.line ? start.column : 1) };
          })();
    return {
      ruleId: d.code,
      ruleIndex: index.get(d.code) ?? 0,
      level: LEVEL[d.severity],
      message: { text: d.message },
      ...(location === undefined
        ? {}
        : {
            locations: [
              { physicalLocation: { artifactLocation: { uri: relativeUri(location.file.path, options.root), uriBaseId: "%SRCROOT%" }, region } },
            ],
          }),
      ...(fingerprint === undefined || fingerprint === "" ? {} : { partialFingerprints: { "syncspecFinding/v1": fingerprint } }),
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "syncspec", informationUri: "https://syncspec.dev", version: options.toolVersion ?? "0.1.0", rules } },
        originalUriBaseIds: { "%SRCROOT%": { uri: rootUri } },
        results,
        properties: { totals: { errors: totals.error, warnings: totals.warn, infos: totals.info, hints: totals.hint, omitted: totals.omitted } },
      },
    ],
  };
}

/** Formats diagnostics as a SARIF 2.1.0 log. */
export function formatSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  return `${JSON.stringify(sarifLog(diagnostics, options), null, 2)}\n`;
}
