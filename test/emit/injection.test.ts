import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ts } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { emitProgram, type EmittedFile } from "../../src/compiler/emit/emit.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { typeCheck } from "./helpers.ts";

/** The spec strings that reach generated code, each set independently. */
interface Strings {
  description: string;
  enumValue: string;
  property: string;
  path: string;
  envDefault: string;
  header: string;
  classValue: string;
  literal: string;
}

const CLEAN: Strings = {
  description: "plain",
  enumValue: "plain",
  property: "plain",
  path: "/plain",
  envDefault: "plain",
  header: "plain",
  classValue: "plain",
  literal: "plain",
};

const doc = (kind: string, name: string, spec: unknown, description: string) => ({
  apiVersion: "syncspec.dev/v1",
  kind,
  metadata: { name, version: "1.0.0", team: "delivery-ops", description },
  spec,
});

/** A spec set in which every string that reaches the output comes from `s`, and every name from `names`. */
function specFiles(s: Strings, names = { entity: "Thing", system: "src", mapping: "thing-map", route: "thing-route", operation: "put", event: "changed" }) {
  // Always two values, as in the clean set the output is compared with ("a" is the one the mapping writes).
  const fields = { id: { type: "string", required: true, description: s.description }, kind: { type: "enum", values: ["a", s.enumValue === "a" ? "a-2" : s.enumValue], description: s.description } };
  const system = doc(
    "System",
    names.system,
    {
      role: "other",
      baseUrl: { env: "SRC_URL", default: s.envDefault },
      auth: { type: "api-key", header: s.header, key: { secret: "k" } },
      quotas: { requestsPerMinute: 10 },
      schemas: {
        Rec: {
          type: "object",
          description: s.description,
          required: ["id"],
          properties: { id: { type: "string" }, [s.property]: { type: "string", description: s.description, enum: [s.enumValue] } },
        },
      },
      operations: {
        [names.operation]: {
          description: s.description,
          method: "PUT",
          path: s.path,
          effect: "upsert",
          request: "Rec",
          idempotency: { mechanism: "key-header", header: s.header },
        },
      },
      events: { [names.event]: { description: s.description, delivery: "webhook", payload: "Rec", webhook: { path: s.path, signature: { scheme: "hmac-sha256", header: s.header, encoding: "hex", secret: { secret: "h" } } } } },
    },
    s.description,
  );
  const entity = doc("Entity", names.entity, { identity: ["id"], fields }, s.description);
  const ownership = doc("Ownership", `${names.entity}-owner`, { entity: names.entity, systemOfRecord: names.system, steward: "delivery-ops", create: [names.system] }, s.description);
  const literal = JSON.stringify(s.literal);
  const mapping = doc(
    "Mapping",
    names.mapping,
    { source: { system: names.system, schema: "Rec" }, target: { entity: names.entity }, expression: `{ "id": id & ${literal}, "kind": "a" }` },
    s.description,
  );
  // Every `{name}` of a hostile path is a parameter the step must give: its name and expression are spec strings too.
  const deliverParams = (path: string, value: string) => {
    const names = [...path.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1] as string);
    return names.length === 0 ? {} : { params: Object.fromEntries(names.map((name) => [name, `id & ${value}`])) };
  };
  const route = doc(
    "Route",
    names.route,
    {
      trigger: { event: `${names.system}.${names.event}`, when: `id != ${literal}` },
      idempotencyKey: ["id"],
      steps: [
        { map: names.mapping, description: s.description },
        { validate: names.entity },
        { classify: { as: "c", rules: [{ when: `id = ${literal}`, value: s.classValue }], otherwise: s.classValue } },
        { deliver: { operation: `${names.system}.${names.operation}`, ...deliverParams(s.path, literal) } },
      ],
      policies: {
        retry: { maxAttempts: 3, backoff: "fixed", initialDelay: "1s", maxDelay: "1s" },
        deadLetter: { queue: "dlq" },
        exceptions: { queue: "exceptions", owner: "delivery-ops" },
      },
    },
    s.description,
  );
  return { "specs/all.yaml": [system, entity, ownership, mapping, route].map((d) => stringify(d)).join("---\n") };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function compile(files: Record<string, string>): EmittedFile[] {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-injection-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, "specs"), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const program = loadProgram({ cwd: dir, paths: ["specs"] });
  if (!program.ok) throw new Error(program.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return emitProgram(program);
}

const isCode = (f: EmittedFile) => /\.(ts|js)$/.test(f.path);

function parse(file: EmittedFile): ts.SourceFile {
  return ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, file.path.endsWith(".js") ? ts.ScriptKind.JS : ts.ScriptKind.TS);
}

function syntaxErrors(file: EmittedFile): string[] {
  // The parser's own diagnostics: what a syntax error in the emitted text would produce.
  const parsed = parse(file) as ts.SourceFile & { parseDiagnostics?: ts.Diagnostic[] };
  if (parsed.parseDiagnostics === undefined) throw new Error("the bundled TypeScript no longer exposes parse diagnostics");
  return parsed.parseDiagnostics.map((d) => `${file.path}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

/** The file's syntax with names and literal values erased: injected code would change it. */
function shape(file: EmittedFile): string {
  const kinds: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) kinds.push("leaf");
    else if (ts.isComputedPropertyName(node)) kinds.push("leaf");
    else {
      kinds.push(ts.SyntaxKind[node.kind]);
      node.forEachChild(visit);
    }
  };
  parse(file).forEachChild(visit);
  return kinds.join(" ");
}

/** Every string value the file holds as a literal or a quoted property name. */
function literals(file: EmittedFile): Set<string> {
  const out = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.add(node.text);
    if (ts.isIdentifier(node)) out.add(node.text);
    node.forEachChild(visit);
  };
  parse(file).forEachChild(visit);
  return out;
}

const HOSTILE = [
  '"',
  "'",
  "`",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile string, written as a spec would
  "${globalThis.process.exit(1)}",
  "*/ globalThis.process.exit(1); /*",
  "</script><script>alert(1)</script>",
  "\u2028",
  "\u2029",
  "a\u2028b\u2029c",
  "line\nbreak\r\n",
  "\\",
  "\\u0041\\x41",
  "__proto__",
  "constructor",
  "class",
  "delete",
  "await",
  "#!/bin/sh",
  "// comment",
  "<!-- -->",
  "x".repeat(3000),
  '"); globalThis.process.exit(1); ("',
  "});\nexport const pwned = 1;\n({",
  "😀 é",
];

/** The characters of `text` an HTTP header name may hold (RFC 9110 tchar), or `x` when none is left. */
const asHeaderName = (text: string) => text.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, "") || "x";

const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ maxLength: 20 }));

const strings: fc.Arbitrary<Strings> = fc.record({
  description: hostile,
  enumValue: hostile,
  property: hostile.filter((p) => p !== "" && !["__proto__", "constructor", "prototype", "id"].includes(p)),
  // `{name}` in a path declares a parameter, which rightly adds a member to the adapter's types;
  // such paths are covered by the strict type-check below.
  path: hostile.filter((p) => !/\{[^{}]+\}/.test(p)).map((p) => `/${p}`),
  envDefault: hostile,
  // A header name that is not an HTTP token is refused before emit (invalid-header-name); what
  // reaches the output is every token character, quotes, backquote and `$` among them.
  header: fc.oneof(fc.constantFrom("'`$|*", "x'+`$a`", "%27%60"), hostile).map(asHeaderName),
  classValue: hostile,
  literal: hostile.filter((p) => !/[\uD800-\uDFFF]/.test(p)),
});

const clean = new Map(compile(specFiles(CLEAN)).map((f) => [f.path, f]));

describe("nothing in a spec can inject code", () => {
  it("hostile strings in every spec string keep the output parsing, come back as identical literals and add no statement", () => {
    fc.assert(
      fc.property(strings, (s) => {
        const files = compile(specFiles(s));
        expect(files.map((f) => f.path)).toEqual([...clean.keys()]);
        for (const file of files.filter(isCode)) {
          expect(syntaxErrors(file)).toEqual([]);
          // ajv writes property access by name (`data.x` or `data["x y"]`), so its validators may differ in shape.
          if (!file.path.endsWith(".validator.js") && !file.path.endsWith(".validators.js")) {
            expect(shape(file), file.path).toBe(shape(clean.get(file.path) as EmittedFile));
          }
        }
        const byPath = new Map(files.map((f) => [f.path, f]));
        const system = literals(byPath.get("systems/src.ts") as EmittedFile);
        for (const value of [s.enumValue, s.property, s.path, s.envDefault, s.header]) expect(system.has(value), value).toBe(true);
        const route = literals(byPath.get("routes/thing-route.ts") as EmittedFile);
        expect(route.has(s.classValue)).toBe(true);
        expect(literals(byPath.get("entities/thing.ts") as EmittedFile).has(s.enumValue)).toBe(true);
        const expression = literals(byPath.get("mappings/thing-map.expr.js") as EmittedFile);
        expect(expression.has(`{ "id": id & ${JSON.stringify(s.literal)}, "kind": "a" }`)).toBe(true);
        const schema = JSON.parse((byPath.get("schemas/thing.schema.json") as EmittedFile).text) as { description: string };
        expect(schema.description).toBe(s.description);
      }),
      { numRuns: Number(process.env["SYNCSPEC_PROPERTY_RUNS"] ?? 12) },
    );
  });

  it("output from every hostile string at once, and from names that are reserved words, type-checks under strict", () => {
    const base = join(projectRoot, "test", "emit", ".scratch");
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, "hostile-"));
    try {
      const all = HOSTILE.join(" ");
      const files = compile(
        specFiles(
          { description: all, enumValue: all, property: all, path: `/${all}`, envDefault: all, header: asHeaderName(all), classValue: all, literal: all },
          { entity: "Function", system: "class", mapping: "constructor-map", route: "delete", operation: "default", event: "then" },
        ),
      );
      for (const file of files) {
        mkdirSync(join(dir, "generated", file.path, ".."), { recursive: true });
        writeFileSync(join(dir, "generated", file.path), file.text);
      }
      expect(typeCheck(dir)).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
