/**
 * Converting between the two syntaxes: DSL documents to YAML (with the schema line editors use)
 * and YAML documents to the DSL. Values are carried over exactly; comments are not (YAML and
 * the DSL attach them to different things).
 */
import { stringify } from "yaml";
import { type KindName, schemaFileName } from "../../../model/constants.ts";
import { canonicalOrder } from "./canonical-order.ts";
import { printDocument } from "./printer.ts";

/** The documents as one YAML file; `schemaDir` is the schemas/ folder relative to the file. */
export function documentsToYaml(values: readonly unknown[], schemaDir: string | undefined): string {
  const kinds = new Set(values.map((v) => String((v as { kind?: unknown } | null)?.kind ?? "")));
  const [kind] = [...kinds];
  const header =
    schemaDir !== undefined && kinds.size === 1 && kind !== undefined && kind !== ""
      ? `# yaml-language-server: $schema=${schemaDir}/${schemaFileName(kind as KindName)}\n`
      : "";
  const body = values.map((v) => stringify(canonicalOrder(v), { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
  return header + body;
}

/** The documents as one DSL file. */
export function documentsToDsl(values: readonly unknown[]): string {
  return `${values.map((v) => printDocument(v)).join("\n\n")}\n`;
}
