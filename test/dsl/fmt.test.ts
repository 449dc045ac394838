/** `spec fmt`: canonical layout with comments kept, --check, refusal of broken files, --to conversions. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";

const dir = mkdtempSync(join(tmpdir(), "syncspec-fmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const messy = `# The time-to-revenue route.
route   t2r version 1.0.0 team finance-ops { # opened
  on psa.timeEntryApproved   # the trigger
  key timeEntryId; order by projectId
  steps {
    # first, check it
    validate TimeEntry
    deliver erp.post using m   // post it
    # nothing after this
  }
  retry 3 times fixed 1s..1s
}
// between documents
ownership o { entity TimeEntry owned by psa steward ops created by psa }
# the end
`;

const formatted = `# The time-to-revenue route.
route t2r version 1.0.0 team finance-ops {
  # opened
  on psa.timeEntryApproved  # the trigger
  key timeEntryId
  order by projectId

  steps {
    # first, check it
    validate TimeEntry
    deliver erp.post using m  // post it
    # nothing after this
  }

  retry 3 times fixed 1s..1s
}

// between documents
ownership o {
  entity TimeEntry owned by psa
  steward ops
  created by psa
}

# the end
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("spec fmt", () => {
  it("rewrites a .sync file in the canonical layout and keeps every comment", async () => {
    const path = write("messy.sync", messy);
    const run = await runCli(["fmt", path], dir);
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(path, "utf8")).toBe(formatted);
  });

  it("with --check lists the files that would change and exits 1, leaving them as they are", async () => {
    const clean = write("clean.sync", formatted);
    const dirty = write("dirty.sync", messy);
    const run = await runCli(["fmt", "--check", clean, dirty], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("dirty.sync\n1 of 2 .sync file(s) not formatted; run spec fmt\n");
    expect(readFileSync(dirty, "utf8")).toBe(messy);
    expect((await runCli(["fmt", "--check", clean], dir)).code).toBe(0);
  });

  it("reports as one JSON object with a summary, the syntax errors included", async () => {
    const clean = write("clean-json.sync", formatted);
    const dirty = write("dirty-json.sync", messy);
    const broken = write("broken-json.sync", "route r {\n  on psa.x\n  retry 3 times fixed 1s\n}\n");
    const run = await runCli(["fmt", "--check", "--format", "json", clean, dirty, broken], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as { files: string[]; changed: string[]; diagnostics: { file: string }[]; summary: unknown };
    expect(report.files).toEqual(["clean-json.sync", "dirty-json.sync", "broken-json.sync"]);
    expect(report.changed).toEqual(["dirty-json.sync"]);
    expect(report.diagnostics.map((d) => d.file)).toContain("broken-json.sync");
    expect(report.summary).toEqual({ check: true, files: 3, changed: 1, failed: 1 });
    expect(readFileSync(dirty, "utf8")).toBe(messy);
    expect((await runCli(["fmt", "--to", "yaml", "--format", "json", clean], dir)).code).toBe(2);
  });

  it("never rewrites a file with a syntax error, and reports it located", async () => {
    const broken = "route r {\n  on psa.x\n  retry 3 times fixed 1s\n}\n";
    const path = write("broken.sync", broken);
    const run = await runCli(["fmt", path], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("broken.sync:4:1");
    expect(run.stderr).toContain("expected '..' (as in 1s..5m) but found '}'");
    expect(readFileSync(path, "utf8")).toBe(broken);
  });

  it("converts to YAML and back to the same YAML through --to yaml and --to dsl", async () => {
    const path = write("round.sync", formatted);
    const yaml1 = await runCli(["fmt", "--to", "yaml", path], dir);
    expect(yaml1.code).toBe(0);
    expect(yaml1.stdout).toContain("kind: Route\n");
    expect(yaml1.stdout).toContain("---\n");
    const yamlPath = write("round.yaml", yaml1.stdout);
    const dsl = await runCli(["fmt", "--to", "dsl", yamlPath], dir);
    expect(dsl.code).toBe(0);
    const dslPath = write("round2.sync", dsl.stdout);
    const yaml2 = await runCli(["fmt", "--to", "yaml", dslPath], dir);
    expect(yaml2.stdout).toBe(yaml1.stdout);
    // comments do not survive conversion; values do
    expect(dsl.stdout).not.toContain("#");
  });
});
