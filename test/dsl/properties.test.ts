/** The laws the DSL keeps, checked on generated documents of every kind. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { documentsToYaml } from "../../src/compiler/parse/dsl/convert.ts";
import { formatDsl } from "../../src/compiler/parse/dsl/format.ts";
import { readDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { printDocument } from "../../src/compiler/parse/dsl/printer.ts";
import { parseYaml } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { KIND_NAMES } from "../../src/model/constants.ts";
import { documentOf, routeWithParams } from "./arbitrary.ts";

const RUNS = 60;
const anyDocument = fc.oneof(...KIND_NAMES.map(documentOf));

function readBack(text: string) {
  const read = readDsl(createSourceFile("generated.sync", text));
  return { values: read.documents.map((d) => d.value), messages: read.diagnostics.map((d) => d.message) };
}

describe("DSL properties", () => {
  for (const kind of KIND_NAMES) {
    it(`printing any valid ${kind} as DSL and reading it back gives the same document`, () => {
      fc.assert(
        fc.property(documentOf(kind), (doc) => {
          const printed = printDocument(doc);
          const { values, messages } = readBack(printed);
          expect(messages).toEqual([]);
          expect(values).toEqual([doc]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("a deliver step's params print as `with name: {{ expression }}` and read back as the same document, in the DSL and in YAML", () => {
    fc.assert(
      fc.property(routeWithParams(), (doc) => {
        const printed = printDocument(doc);
        expect(printed).toMatch(/deliver .* with .*: /);
        const { values, messages } = readBack(printed);
        expect(messages).toEqual([]);
        expect(values).toEqual([doc]);
        const [docs, diagnostics] = parseYaml(createSourceFile("generated.yaml", documentsToYaml([doc], "../schemas")));
        expect(diagnostics.map((d) => d.message)).toEqual([]);
        expect(docs.map((d) => d.value)).toEqual([doc]);
      }),
      { numRuns: RUNS },
    );
  });

  it("converting any valid document to YAML and back gives the same document", () => {
    fc.assert(
      fc.property(anyDocument, (doc) => {
        const [docs, diagnostics] = parseYaml(createSourceFile("generated.yaml", documentsToYaml([doc], "../schemas")));
        expect(diagnostics.map((d) => d.message)).toEqual([]);
        expect(docs.map((d) => d.value)).toEqual([doc]);
      }),
      { numRuns: RUNS },
    );
  });

  it("formatting is idempotent, and keeps every comment, wherever comments are put", () => {
    fc.assert(
      fc.property(anyDocument, fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), (doc, places, trailing) => {
        const lines = printDocument(doc).split("\n");
        const comments = places.map((_, i) => `# note ${i}`);
        places.forEach((place, i) => {
          const at = place % (lines.length + 1);
          if (trailing && at < lines.length && !lines[at]!.includes("{{") && !lines[at]!.includes("```")) lines[at] += `  ${comments[i]}`;
          else lines.splice(at, 0, comments[i]!);
        });
        const [once, diagnostics] = formatDsl(createSourceFile("commented.sync", lines.join("\n")));
        if (once === undefined) {
          // a comment put inside a multi-line JSONata block is part of the block; never a crash
          expect(diagnostics.length).toBeGreaterThan(0);
          return;
        }
        const [twice] = formatDsl(createSourceFile("commented.sync", once));
        expect(twice).toBe(once);
        for (const c of comments) if (!lines.join("\n").includes(`{{\n${c}`)) expect(once).toContain(c);
        expect(readBack(once).values).toEqual(readBack(lines.join("\n")).values);
      }),
      { numRuns: RUNS },
    );
  });

  it("reading never throws on any text: arbitrary input yields diagnostics or documents", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const read = readDsl(createSourceFile("noise.sync", text));
        expect(read.documents.length + read.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it("reading never throws on a valid document with characters cut out or put in", () => {
    fc.assert(
      fc.property(anyDocument, fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 5 }), (doc, at, cut, insert) => {
        const text = printDocument(doc);
        const i = at % (text.length + 1);
        const mangled = text.slice(0, i) + insert + text.slice(i + cut);
        const read = readDsl(createSourceFile("mangled.sync", mangled));
        for (const d of read.diagnostics) {
          expect(d.location?.start).toBeGreaterThanOrEqual(0);
          expect(d.location?.end).toBeLessThanOrEqual(mangled.length + 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
