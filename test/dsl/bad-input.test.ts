/** Bad DSL input: each mistake is a located diagnostic saying what was expected; never a crash or a hang. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSourceFile, lineAndColumn } from "../../src/compiler/diagnostics/source-file.ts";
import { readDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { parseFile } from "../../src/compiler/program.ts";

/** `line:column code: message` for each diagnostic. */
function diagnose(text: string): string[] {
  const file = createSourceFile("bad.sync", text);
  return readDsl(file).diagnostics.map((d) => {
    const { line, column } = lineAndColumn(file, d.location?.start ?? 0);
    return `${line}:${column} ${d.code}: ${d.message}`;
  });
}

describe("bad DSL input", () => {
  it("reports an unterminated string at its opening quote", () => {
    expect(diagnose('route r {\n  description "abc\n  on psa.x\n}\n')).toEqual([
      `2:15 dsl-unterminated-string: this string is not closed: end it with '"' on the same line (write a line break as \\n)`,
    ]);
  });

  it("reports an escape that JSON does not know", () => {
    expect(diagnose('route r {\n  description "a\\qb"\n}\n')).toEqual([
      `2:17 dsl-invalid-escape: '\\q' is not an escape; use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX`,
    ]);
  });

  it("reports a JSONata block that is never closed, and nothing after it", () => {
    expect(diagnose("route r {\n  when {{ a = 1 \n}\n")).toEqual([
      "2:8 dsl-unterminated-block: this JSONata block is never closed: end it with '}}'",
    ]);
  });

  it("reports a fenced block that is never closed", () => {
    expect(diagnose("mapping m {\n  expression ```\n  $x\n}\n")).toEqual([
      "2:14 dsl-unterminated-block: this fenced JSONata block is never closed: end it with '```'",
    ]);
  });

  it("reports unbalanced braces in a JSONata block at the brace that took the block's end", () => {
    expect(diagnose('mapping m {\n  expression {{ { "a": 1 }}\n}\n')).toEqual([
      "2:17 dsl-unbalanced-braces: the braces in this JSONata block do not balance: this '{' is closed by the first '}' of the '}}' at 2:26, so the block never ends; add a '}' there",
    ]);
  });

  it("reports a '}' inside a JSONata block that closes nothing", () => {
    expect(diagnose("mapping m {\n  expression {{ $x } }}\n}\n")).toEqual([
      "2:20 dsl-unbalanced-braces: the braces in this JSONata block do not balance: this '}' closes nothing (write '}}' to end the block)",
    ]);
  });

  it("counts braces inside JSONata strings as text", () => {
    const read = readDsl(createSourceFile("ok.sync", 'mapping m {\n  expression {{ { "a": "}}" & \'{\' } }}\n}\n'));
    expect(read.diagnostics).toEqual([]);
    expect((read.documents[0]!.value as { spec: { expression: string } }).spec.expression).toBe(`{ "a": "}}" & '{' }`);
  });

  it("reports a word where a document should start, naming the kinds", () => {
    expect(diagnose("report r { }\n")).toEqual([
      "1:1 dsl-syntax: expected a document (system, entity, ownership, mapping, route, reconciliation or policy) but found 'report'",
    ]);
  });

  it("reports an unknown step in words", () => {
    expect(diagnose("route r { steps { check X } }\n")[0]).toBe(
      "1:19 dsl-syntax: unexpected 'check': a step starts with validate, map, enrich, classify, branch, require, deliver, reject, emit, keep or step { ... } (or 'id:' to label it)",
    );
  });

  it("reports a keyword used as a name, and says how to quote it", () => {
    expect(diagnose("route map {\n  on psa.x\n}\n")).toEqual([
      `1:7 dsl-syntax: expected a name but found the keyword 'map' (write "map" in quotes to use it as a name)`,
    ]);
    const quoted = readDsl(createSourceFile("ok.sync", 'route "map" {\n  on psa.x\n}\n'));
    expect(quoted.diagnostics).toEqual([]);
    expect((quoted.documents[0]!.value as { metadata: { name: string } }).metadata.name).toBe("map");
  });

  it("says what may come next in a route when a statement is not one", () => {
    expect(diagnose("route r { on psa.x\n attempts 3 times exponential 1s..5m }\n")[0]).toBe(
      "2:13 dsl-syntax: expected a route statement (on, when, key, order by, steps, retry, timeout, breaker, dead-letter, exceptions, sla, guard or an entry) or '}' but found the keyword 'times'",
    );
  });

  it("reports every syntax error, not only the first", () => {
    expect(diagnose("route a {\n  timeout\n}\nroute b {\n  retry 8 times exponential 1s 5m\n}\nroute c { dead-letter }\n")).toEqual([
      "3:1 dsl-syntax: expected a number, duration or version or a quoted string but found '}'",
      "5:32 dsl-syntax: expected '..' (as in 1s..5m) but found '5m'",
      "7:23 dsl-syntax: expected a name but found '}'",
    ]);
  });

  it("reports a character that belongs to no token", () => {
    expect(diagnose("route r { on psa.x @ }\n")).toEqual([
      "1:20 dsl-unexpected-character: unexpected '@': not part of any word, number, string or symbol of the sync DSL",
    ]);
  });

  it("reports a statement written twice at the second one", () => {
    expect(diagnose("route r { on psa.x on psa.y }\n")).toEqual(["1:20 duplicate-key: the key 'spec.trigger.event' appears twice in this mapping"]);
  });

  it("refuses keys that could reach object prototypes", () => {
    expect(diagnose('system s { "__proto__" 1 }\n')).toEqual([
      "1:12 forbidden-key: the key '__proto__' is not allowed: it could change object prototypes",
    ]);
  });

  it("refuses nesting past the limit before parsing", () => {
    const text = `system s { a ${"{ b ".repeat(5000)}${"}".repeat(5001)}\n`;
    const found = diagnose(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^1:\d+ nesting-too-deep: nesting deeper than 72 levels; flatten the document$/);
  });

  it("reports an empty file", () => {
    expect(diagnose("# only a comment\n")).toEqual(["1:1 empty-file: the file holds no spec document"]);
  });

  it("locates an error at the end of a 100,000-character line", () => {
    const text = `route r { description "${"x".repeat(100_000)}" on }\n`;
    expect(diagnose(text)).toEqual(["1:100029 dsl-syntax: expected 'canonical', 'schedule', a name or a quoted string but found '}'"]);
  });

  it("reads a 100,000-character JSONata block on one line", () => {
    const read = readDsl(createSourceFile("long.sync", `mapping m { expression {{ ${"$a & ".repeat(25_000)}1 }} }\n`));
    expect(read.diagnostics).toEqual([]);
    expect((read.documents[0]!.value as { spec: { expression: string } }).spec.expression.length).toBe(125_001);
  });

  it("reads a 10 MB file when called directly, without a crash", () => {
    const doc = `route r {\n  description "${"a".repeat(10_000)}"\n  on psa.x\n  steps {\n    validate TimeEntry\n  }\n}\n`;
    const count = Math.ceil(10_000_000 / doc.length);
    const read = readDsl(createSourceFile("big.sync", doc.repeat(count)));
    expect(read.diagnostics).toEqual([]);
    expect(read.documents.length).toBe(count);
  });

  it("reads a 10 MB file of noise, with diagnostics and without a crash", () => {
    const text = "{{ ( [ route ".repeat(800_000);
    const read = readDsl(createSourceFile("noise.sync", text));
    expect(read.documents).toEqual([]);
    expect(read.diagnostics.length).toBeGreaterThan(0);
  });

  describe("through the compiler", () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-dsl-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("reports a 10 MB .sync file as file-too-large under the default limit, located at its start", () => {
      const path = join(dir, "huge.sync");
      writeFileSync(path, `# ${"x".repeat(10 * 1024 * 1024)}\n`);
      const [file, documents, diagnostics] = parseFile(path, { maxFileBytes: 4 * 1024 * 1024, maxDepth: 64 });
      expect(documents).toEqual([]);
      expect(diagnostics.map((d) => [d.code, d.location?.file, d.location?.start])).toEqual([["file-too-large", file, 0]]);
      expect(diagnostics[0]?.message).toBe(`the file is ${10 * 1024 * 1024 + 3} bytes, over the limit of ${4 * 1024 * 1024} bytes`);
    });
  });
});
