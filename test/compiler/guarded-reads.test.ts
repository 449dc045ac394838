import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { readGuardedFile } from "../../src/compiler/read-file.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { PETSTORE_BILLING } from "../import/fixtures.ts";

/** A System naming the given OpenAPI document, from specs/tiny.yaml. */
const systemNaming = (document: string) => `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: tiny, version: 1.0.0, team: billing-ops, description: Tiny billing. }
spec:
  role: billing
  baseUrl: { env: TINY_BASE_URL }
  auth: { type: bearer, token: { secret: tiny/token } }
  openapi:
    document: ${JSON.stringify(document)}
    operations: [createCustomer]
`;

const SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

/** A project holding specs/tiny.yaml (naming `document`) and `files`; returns its folder. */
function project(document: string, files: Record<string, string> = {}): string {
  return writeSpecSet({ "syncspec.yaml": "specs: [specs]\nout: generated\n", "specs/tiny.yaml": systemNaming(document), ...files });
}

/** `spec validate --format json` in `dir`: the exit code and the diagnostics. */
async function validate(dir: string, paths: string[] = []) {
  const result = await runCli(["validate", ...paths, "--format", "json"], dir);
  expect(result.stderr).toBe("");
  const report = JSON.parse(result.stdout) as { diagnostics: { code: string; file: string | null; line: number | null; column: number | null; message: string }[] };
  return { code: result.code, diagnostics: report.diagnostics };
}

/** The one diagnostic a referenced document gives, placed on the `document:` value (line 9, column 15). */
async function refusalOf(dir: string) {
  const { code, diagnostics } = await validate(dir);
  expect(code).toBe(1);
  expect(diagnostics).toHaveLength(1);
  const [d] = diagnostics;
  expect([d?.file, d?.line, d?.column]).toEqual(["specs/tiny.yaml", 9, 15]);
  return d!;
}

describe("files a spec names are read through one guard", () => {
  it("refuses a FIFO named as an OpenAPI document without blocking on it", async () => {
    const dir = project("../vendor/pipe.yaml");
    mkdirSync(join(dir, "vendor"));
    execFileSync("mkfifo", [join(dir, "vendor", "pipe.yaml")]);
    const d = await refusalOf(dir);
    expect(d.code).toBe("not-a-regular-file");
    expect(d.message).toBe("../vendor/pipe.yaml is a named pipe (FIFO), not a regular file; only regular files are read");
  }, 10_000);

  it("refuses a directory named as an OpenAPI document", async () => {
    const dir = project("../vendor", { "vendor/tiny.yaml": PETSTORE_BILLING });
    const d = await refusalOf(dir);
    expect(d.code).toBe("not-a-regular-file");
    expect(d.message).toMatch(/^\.\.\/vendor is a directory, not a regular file/);
  });

  it("refuses a device reached through a symbolic link inside the project", async () => {
    const dir = project("../vendor/zero.yaml");
    mkdirSync(join(dir, "vendor"));
    symlinkSync("/dev/zero", join(dir, "vendor", "zero.yaml"));
    const d = await refusalOf(dir);
    expect(d.code).toBe("outside-project");
  }, 10_000);

  it("refuses /dev/zero named by its absolute path", async () => {
    const d = await refusalOf(project("/dev/zero"));
    expect(d.code).toBe("outside-project");
    expect(d.message).toBe("/dev/zero lies outside the project root (symbolic links resolved); a spec may name only files inside the project");
  }, 10_000);

  it("refuses a document over 16 MiB from its size, before reading it", async () => {
    const dir = project("../vendor/huge.yaml", { "vendor/huge.yaml": "" });
    truncateSync(join(dir, "vendor", "huge.yaml"), 83 * 1024 * 1024);
    const d = await refusalOf(dir);
    expect(d.code).toBe("file-too-large");
    expect(d.message).toBe(`../vendor/huge.yaml is ${83 * 1024 * 1024} bytes, over the limit of ${16 * 1024 * 1024} bytes`);
  });

  it("refuses paths that leave the project by '..', by an absolute path or by a symbolic link, and never shows their content", async () => {
    const outside = mkdtempSync(join(tmpdir(), "syncspec-secret-"));
    const secretFile = join(outside, "credentials.json");
    writeFileSync(secretFile, `{"token": ${SECRET}}`);
    const ways: [string, (dir: string) => string][] = [
      ["'..'", (dir) => relative(join(dir, "specs"), secretFile)],
      ["an absolute path", () => secretFile],
      [
        "a symbolic link",
        (dir) => {
          symlinkSync(secretFile, join(dir, "vendor", "link.json"));
          return "../vendor/link.json";
        },
      ],
    ];
    for (const [way, documentIn] of ways) {
      const dir = writeSpecSet({ "syncspec.yaml": "specs: [specs]\nout: generated\n", "vendor/README.md": "vendor documents\n" });
      const document = documentIn(dir);
      mkdirSync(join(dir, "specs"));
      writeFileSync(join(dir, "specs", "tiny.yaml"), systemNaming(document));
      const d = await refusalOf(dir);
      expect(d.code, way).toBe("outside-project");
      expect(d.message, way).toBe(`${document} lies outside the project root (symbolic links resolved); a spec may name only files inside the project`);
    }
  });

  it("reports a document inside the project that does not parse without quoting its text", async () => {
    const d = await refusalOf(project("../vendor/credentials.json", { "vendor/credentials.json": `{"token": ${SECRET}}` }));
    expect(d.code).toBe("file-unreadable");
    expect(d.message).toMatch(/^cannot read the file: \.\.\/vendor\/credentials\.json is not a usable OpenAPI document: it is not valid JSON/);
    expect(d.message).not.toMatch(/sk_|4eC39/);
  });

  it("does not quote an 'openapi' value that is not a version", async () => {
    const d = await refusalOf(project("../vendor/credentials.yaml", { "vendor/credentials.yaml": `openapi: ${SECRET}\n` }));
    expect(d.message).toBe("cannot read the file: ../vendor/credentials.yaml is not a usable OpenAPI document: its 'openapi' version is not 3.0 or 3.1");
  });

  it("reports a schema nested 5,000 deep at the document key as a nesting limit, with exit 1", async () => {
    const depth = 5000;
    const schema = `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;
    const document = `{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{"/customers":{"post":{"operationId":"createCustomer","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Deep"}}}},"responses":{"201":{"description":"ok"}}}}},"components":{"schemas":{"Deep":${schema}}}}`;
    const d = await refusalOf(project("../vendor/deep.json", { "vendor/deep.json": document }));
    expect(d.code).toBe("nesting-too-deep");
    expect(d.message).toBe("../vendor/deep.json: nesting deeper than 64 levels; flatten the document");
  });

  it("reports a YAML document nested 5,000 deep as a nesting limit", async () => {
    const document = `openapi: 3.0.3\ninfo: { title: Deep, version: "1" }\npaths: {}\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    const d = await refusalOf(project("../vendor/deep.yaml", { "vendor/deep.yaml": document }));
    expect(d.code).toBe("nesting-too-deep");
  });

  it("imports a long chain of inlined references without overflowing the stack", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `    s${i}: { type: object, properties: { next: { $ref: "#/x-chain/s${i + 1}" } } }`).join("\n");
    const document = PETSTORE_BILLING.replace(
      "schema: { $ref: \"#/components/schemas/CustomerInput\" }",
      'schema: { $ref: "#/x-chain/s0" }',
    );
    const dir = project("../vendor/tiny.yaml", { "vendor/tiny.yaml": `${document}\nx-chain:\n${chain}\n    s5000: { type: string }\n` });
    const program = loadProgram({ cwd: dir });
    expect(program.diagnostics.map((d) => d.code)).toEqual([]);
  });

  it("refuses a spec file that is a FIFO, named on the command line, without blocking", async () => {
    const dir = project("../vendor/tiny.yaml", { "vendor/tiny.yaml": PETSTORE_BILLING });
    execFileSync("mkfifo", [join(dir, "specs", "pipe.yaml")]);
    const { code, diagnostics } = await validate(dir, ["specs/pipe.yaml"]);
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ["not-a-regular-file", "specs/pipe.yaml", "the file is a named pipe (FIFO), not a regular file; only regular files are read"],
    ]);
  }, 10_000);

  it("stops reading a file at one byte past the limit", () => {
    const dir = writeSpecSet({ "a.yaml": "x".repeat(100) });
    const [bytes, refusal] = readGuardedFile(join(dir, "a.yaml"), { maxBytes: 99 });
    expect(bytes).toBeUndefined();
    expect(refusal?.code).toBe("file-too-large");
    expect(readGuardedFile(join(dir, "a.yaml"), { maxBytes: 100 })[0]?.length).toBe(100);
  });
});
