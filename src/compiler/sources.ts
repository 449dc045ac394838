/**
 * Discovering the spec files: every file with a spec extension below each root, recursively,
 * in a stable order; hidden folders and node_modules are passed over.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { diagnostic, type Diagnostic } from "./diagnostics/diagnostic.ts";
import { frontEndFor } from "./parse/parsers.ts";

/** Turns a glob (`**`, `*`, `?`) into a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && frontEndFor(entry.name) !== undefined) out.push(full);
  }
}

/** Lists the spec files under the given roots (files are taken as they are). */
export function discoverSpecFiles(roots: readonly string[], base: string, exclude: readonly string[] = []): [string[], Diagnostic[]] {
  const diagnostics: Diagnostic[] = [];
  const files = new Set<string>();
  const excluded = exclude.map(globToRegExp);
  for (const root of roots) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(root);
    } catch {
      diagnostics.push(diagnostic("path-not-found", { path: relative(base, root) || root }, undefined));
      continue;
    }
    const found: string[] = [];
    if (stat.isDirectory()) walk(root, found);
    else found.push(root);
    const kept = found.filter((f) => !excluded.some((re) => re.test(relative(base, f))));
    if (kept.length === 0) diagnostics.push(diagnostic("no-specs", { path: relative(base, root) || root }, undefined));
    for (const f of kept) files.add(f);
  }
  return [[...files], diagnostics];
}
