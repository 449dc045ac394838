/**
 * The VS Code extension packages offline into a .vsix holding its manifest, language
 * configuration, grammar and one bundled client file; its grammar highlights what the lexer reads.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { keywords } from "../../src/compiler/parse/dsl/tokens.ts";
import { textMateGrammar } from "../../src/compiler/parse/dsl/textmate-grammar.ts";
import { packageVscodeExtension } from "../../scripts/package-vscode.ts";

/** The files of a zip archive by name, read from its central directory. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = archive.readUInt16LE(at + 10);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const skip = nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const name = archive.toString("utf8", at + 46, at + 46 + nameLength);
    const local = archive.readUInt32LE(at + 42);
    const data = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(data, data + size);
    files.set(name, method === 8 ? inflateRawSync(body) : body);
    at += 46 + skip;
  }
  return files;
}

describe("the VS Code extension", () => {
  it("packages offline into a .vsix with the manifest, grammar and bundled client", () => {
    const out = mkdtempSync(join(tmpdir(), "syncspec-vsix-"));
    try {
      const vsix = packageVscodeExtension(out);
      expect(vsix).toBe(join(out, "syncspec-0.1.0.vsix"));
      const files = unzip(readFileSync(vsix));
      expect([...files.keys()].filter((f) => f.startsWith("extension/")).sort()).toEqual([
        "extension/LICENSE.txt",
        "extension/dist/extension.js",
        "extension/language-configuration.json",
        "extension/package.json",
        "extension/readme.md",
        "extension/syntaxes/syncspec.tmLanguage.json",
      ]);
      const manifest = JSON.parse(String(files.get("extension/package.json")));
      expect(manifest.main).toBe("./dist/extension.js");
      expect(manifest.contributes.languages[0].extensions).toEqual([".sync"]);
      expect(String(files.get("extension/syntaxes/syncspec.tmLanguage.json"))).toBe(textMateGrammar());
      const bundle = String(files.get("extension/dist/extension.js"));
      expect(bundle).toContain('"lsp", "--stdio"');
      expect(bundle).toContain('require("vscode")');
      expect(bundle).not.toContain('require("vscode-languageclient');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it("highlights every keyword the lexer knows as a whole word, and JSONata inside {{ }}", () => {
    const grammar = JSON.parse(textMateGrammar());
    const keyword = new RegExp(grammar.repository.keyword.match);
    for (const word of Object.keys(keywords).filter((k) => !["true", "false", "null"].includes(k))) {
      expect(keyword.exec(`  ${word} x`)?.[1], word).toBe(word);
      expect(keyword.exec(`  ${word}-suffix x`), `${word}-suffix`).toBeNull();
    }
    const block = grammar.repository["jsonata-block"];
    expect(block.contentName).toBe("meta.embedded.block.jsonata source.jsonata");
    expect(new RegExp(block.begin).test("when {{ status = 'x' }}")).toBe(true);
    const header = new RegExp(grammar.repository.header.match);
    expect(header.exec("route time-to-revenue version 1.0.0 team ops {")?.slice(1, 3)).toEqual(["route", "time-to-revenue"]);
    expect(new RegExp(grammar.repository["jsonata-function"].match).exec("$substring(x, 0)")?.[1]).toBe("$substring");
  });
});
