/**
 * The committed grammar artifacts are what the parser prints: the EBNF reference, the railroad
 * diagram page and the parse-tree types. Stale copies fail; UPDATE_GOLDEN=1 rewrites them.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cstTypesSource, grammarEbnf, railroadHtml } from "../../src/compiler/parse/dsl/grammar-artifacts.ts";
import { textMateGrammar } from "../../src/compiler/parse/dsl/textmate-grammar.ts";
import { projectRoot } from "../../src/testing/environment.ts";

const update = process.env["UPDATE_GOLDEN"] === "1";

function expectCommitted(relativePath: string, generated: string): void {
  const path = join(projectRoot, relativePath);
  if (update) writeFileSync(path, generated);
  expect(existsSync(path), `${relativePath} is missing; run UPDATE_GOLDEN=1 npx vitest run test/dsl/grammar.test.ts`).toBe(true);
  expect(readFileSync(path, "utf8"), `${relativePath} is stale; run UPDATE_GOLDEN=1 npx vitest run test/dsl/grammar.test.ts`).toBe(generated);
}

describe("the grammar as readers see it", () => {
  it("keeps the committed railroad diagram in step with the parser", () => {
    const html = railroadHtml();
    expect(html).toContain("routeDocument");
    expectCommitted("grammar/railroad.html", html);
  });

  it("keeps the committed EBNF reference in step with the parser", () => {
    const ebnf = grammarEbnf();
    expect(ebnf).toContain("retryClause ::= 'retry' NumberLike 'times' Word duration '..' duration ( 'jitter' Word )?");
    expectCommitted("grammar/sync.ebnf", ebnf);
  });

  it("keeps the generated parse-tree types in step with the parser", () => {
    const types = cstTypesSource();
    expect(types).toContain("export interface RouteDocumentCstNode extends CstNode");
    expectCommitted("src/compiler/parse/dsl/cst-types.ts", types);
  });

  it("keeps the editors' TextMate grammar in step with the lexer's keywords", () => {
    const grammar = textMateGrammar();
    expect(JSON.parse(grammar).repository.keyword.match).toContain("dead-letter");
    expectCommitted("editors/vscode/syntaxes/syncspec.tmLanguage.json", grammar);
  });
});
