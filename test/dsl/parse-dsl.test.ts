/** The DSL front end hands on what the YAML one does: the same values, exact locations, and offsets inside JSONata. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSourceFile, lineAndColumn } from "../../src/compiler/diagnostics/source-file.ts";
import { parseDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { parseYaml } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { discoverSpecFiles } from "../../src/compiler/sources.ts";
import { projectRoot } from "../../src/testing/environment.ts";

const route = `route post-time version 1.0.0 team finance-ops {
  description "Posts approved time."
  on psa.timeEntryApproved
  when {{ status = "approved" }}
  key timeEntryId, revision
  order by projectId
  steps {
    validate TimeEntry
    post: deliver erp.createJournal using time-to-journal when {{ billable }}
    branch {
      when {{ hours > 8 }} {
        emit LongDay(TimeEntry)
      }
      otherwise {
        step { map plain-time }
      }
    }
  }
  retry 8 times exponential 1s..5m jitter full
  exceptions time-exceptions owner finance-ops, sla 4h
}
`;

const sameRouteInYaml = `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: post-time, version: 1.0.0, team: finance-ops, description: Posts approved time. }
spec:
  trigger: { event: psa.timeEntryApproved, when: 'status = "approved"' }
  idempotencyKey: [timeEntryId, revision]
  orderingKey: [projectId]
  steps:
    - validate: TimeEntry
    - id: post
      deliver: { operation: erp.createJournal, mapping: time-to-journal }
      when: billable
    - branch:
        - when: hours > 8
          steps: [{ emit: { event: LongDay, entity: TimeEntry } }]
        - steps: [{ map: plain-time }]
  policies:
    retry: { maxAttempts: 8, backoff: exponential, initialDelay: 1s, maxDelay: 5m, jitter: full }
    exceptions: { queue: time-exceptions, owner: finance-ops, sla: 4h }
`;

function textAt(file: { text: string }, location: { start: number; end: number }): string {
  return file.text.slice(location.start, location.end);
}

describe("the DSL front end", () => {
  const file = createSourceFile("route.sync", route);
  const [docs, diagnostics] = parseDsl(file);
  const doc = docs[0]!;

  it("lowers a route to exactly the value its YAML gives", () => {
    expect(diagnostics).toEqual([]);
    const [yamlDocs] = parseYaml(createSourceFile("route.yaml", sameRouteInYaml));
    expect(doc.value).toEqual(yamlDocs[0]!.value);
  });

  it("locates the parts of a statement: a delivery's operation, its keyword, a nested step", () => {
    expect(textAt(file, doc.locate(["spec", "steps", 1, "deliver", "operation"]))).toBe("erp.createJournal");
    expect(textAt(file, doc.locate(["spec", "steps", 1, "deliver", "mapping"], "key"))).toBe("using");
    expect(textAt(file, doc.locate(["spec", "steps", 2, "branch", 1, "steps", 0]))).toBe("step { map plain-time }");
    expect(textAt(file, doc.locate(["spec", "policies", "exceptions", "sla"]))).toBe("4h");
    expect(textAt(file, doc.locate(["metadata", "name"]))).toBe("post-time");
  });

  it("falls back to the nearest written ancestor's key for a path that is not there, as the YAML front end does", () => {
    expect(textAt(file, doc.locate(["spec", "steps", 0, "validate", "nothing"]))).toBe("validate");
  });

  it("maps offsets inside a JSONata block to the file", () => {
    const offsets = doc.stringOffsets?.(["spec", "steps", 2, "branch", 0, "when"]);
    expect(offsets).toBeDefined();
    const at = lineAndColumn(file, offsets!(0));
    expect(at).toEqual({ line: 11, column: 15 });
    expect(route.slice(offsets!(0), offsets!(9))).toBe("hours > 8");
  });

  describe("through the compiler", () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-dsl-jsonata-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("points a schema error in a .sync file at the key written wrong", () => {
      const path = join(dir, "owner.sync");
      const text = "ownership time-entry {\n  entity TimeEntry owned by psa\n  stewart delivery-ops\n  created by psa\n}\n";
      writeFileSync(path, text);
      const program = loadProgram({ cwd: dir, paths: [path] });
      const unknown = program.diagnostics.find((d) => d.code === "unknown-key");
      expect(unknown?.message).toBe("unknown key 'stewart' in spec; did you mean 'steward'?");
      expect(lineAndColumn(unknown!.location!.file, unknown!.location!.start)).toEqual({ line: 3, column: 3 });
    });

    it("points a JSONata syntax error in a .sync mapping at its line and column", () => {
      const fixtures = join(projectRoot, "specs");
      const name = "time-entry-to-erp-cost-journal";
      const text = readFileSync(join(fixtures, "mappings", `${name}.sync`), "utf8").replace('"Date": workDate,', '"Date": workDate +,');
      const broken = join(dir, `${name}.sync`);
      writeFileSync(broken, text);
      const [yamlFiles] = discoverSpecFiles([join(projectRoot, "specs")], projectRoot);
      const paths = [...yamlFiles.filter((p) => !p.endsWith(`${name}.sync`)), broken];
      const program = loadProgram({ cwd: projectRoot, paths });
      const errors = program.diagnostics.filter((d) => d.code === "invalid-jsonata");
      expect(errors).toHaveLength(1);
      const error = errors[0]!;
      expect(relative(dir, error.location!.file.path)).toBe(`${name}.sync`);
      const line = text.split("\n").findIndex((l) => l.includes('"Date": workDate +,')) + 1;
      const column = (text.split("\n")[line - 1] ?? "").indexOf("+,") + 2;
      expect(lineAndColumn(error.location!.file, error.location!.start)).toEqual({ line, column });
    });
  });
});
