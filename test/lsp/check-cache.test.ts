/**
 * The incremental check stage gives exactly the diagnostics of a full check after every edit,
 * while checking again only the edited documents and those that read what changed.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkSpecSet } from "../../src/compiler/check/check.ts";
import type { Diagnostic } from "../../src/compiler/diagnostics/diagnostic.ts";
import { analyse, createParseCache } from "../../src/lsp/analysis.ts";
import { createCheckCache } from "../../src/lsp/check-cache.ts";
import { createOpenDocuments } from "../../src/lsp/open-documents.ts";
import { copyProject } from "./lsp-client.ts";

const shown = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.location?.file.path}:${d.location?.start}-${d.location?.end} ${d.code} ${d.message}`);

describe("the incremental check", () => {
  const root = copyProject();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const open = createOpenDocuments(4 * 1024 * 1024);
  const parses = createParseCache();
  const checks = createCheckCache();
  let version = 1;
  const edit = (relative: string, from: string, to: string) => {
    const path = join(root, relative);
    const text = (open.get(path)?.document.getText() ?? readFileSync(path, "utf8")).replace(from, to);
    if (open.get(path) === undefined) open.open(pathToFileURL(path).href, path, "yaml", version++, text);
    else open.change(path, version++, [{ text }]);
  };
  const incremental = () => analyse(root, open, parses, checks).program.diagnostics;
  const full = () => analyse(root, open, createParseCache(), { check: checkSpecSet, stats: () => ({ checked: 0, reused: 0 }) }).program.diagnostics;

  it("checks every document once, then none when nothing changed", () => {
    expect(shown(incremental())).toEqual([]);
    const first = checks.stats();
    expect(first.reused).toBe(0);
    expect(first.checked).toBeGreaterThan(50);
    incremental();
    expect(checks.stats()).toEqual({ checked: 0, reused: first.checked });
  });

  it("re-checks an edited mapping and the route that uses it, and agrees with a full check", () => {
    edit("specs/mappings/psa-project-to-project.yaml", '"clientId": contactId', '"clientId": contactIx');
    const found = incremental();
    expect(shown(found)).toEqual(shown(full()));
    expect(found.map((d) => d.code)).toEqual(["mapping-unknown-path"]);
    expect(checks.stats().checked).toBe(2);
  });

  it("re-checks what reads an entity when one of its fields goes, and agrees with a full check", () => {
    edit("specs/entities/contract.yaml", "    poNumber: { type: string, maxLength: 100, description: \"The client's purchase order, quoted on every invoice.\" }\n", "");
    const found = incremental();
    expect(shown(found)).toEqual(shown(full()));
    const { checked, reused } = checks.stats();
    expect(checked).toBeGreaterThan(1);
    expect(reused).toBeGreaterThan(checked);
  });

  it("agrees with a full check when a system is renamed, and when every edit is undone", () => {
    edit("specs/systems/psa.yaml", "name: psa\n", "name: psa-cloud\n");
    const renamed = incremental();
    expect(renamed.length).toBeGreaterThan(5);
    expect(shown(renamed)).toEqual(shown(full()));
    edit("specs/systems/psa.yaml", "name: psa-cloud\n", "name: psa\n");
    edit("specs/mappings/psa-project-to-project.yaml", '"clientId": contactIx', '"clientId": contactId');
    open.close(join(root, "specs/entities/contract.yaml"));
    expect(shown(incremental())).toEqual([]);
    expect(shown(full())).toEqual([]);
  });
});
