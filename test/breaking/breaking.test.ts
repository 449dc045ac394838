import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { edit, writeSet } from "../lint/lint-helpers.ts";
import { cleanSet, paths } from "../lint/rules/cases.ts";

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { NO_COLOR: "1" }, isTTY: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=Spec Author", "-c", "user.email=author@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, stdio: "ignore" });
}

function commitAll(cwd: string, files: Record<string, string>, message: string): void {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(cwd, path), text);
  git(cwd, "add", "-A");
  git(cwd, "commit", "-q", "-m", message);
}

/** A repository with the clean set released as v1 and the project file at the root. */
function repository(): string {
  const root = writeSet({ ...cleanSet, "syncspec.yaml": "specs: [specs]\n" });
  git(root, "init", "-q");
  commitAll(root, {}, "v1");
  git(root, "tag", "v1");
  return root;
}

const withoutHours = edit(cleanSet, paths.ENTITY, "    hours: { type: decimal, scale: 2, required: true }\n", "");

describe("spec breaking against a git ref", () => {
  it("exits 0 for a compatible change", async () => {
    const root = repository();
    commitAll(root, edit(cleanSet, paths.ENTITY, "    currency: { type: currency }\n", "    currency: { type: currency }\n    note: { type: string }\n"), "add a note");
    const { code, stdout } = await run(["breaking", "--against", "v1"], root);
    expect(stdout).toBe(
      "specs/entities/time-entry.yaml:15:11 - compatible field-added: field TimeEntry.note was added (optional) (breaks no one)\n" +
        "1 change against v1 at level stored-data: 0 breaking, 0 without a breaking version bump.\n",
    );
    expect(code).toBe(0);
  });

  it("exits 1 for a breaking change without a major version bump", async () => {
    const root = repository();
    commitAll(root, withoutHours, "drop hours");
    const { code, stdout } = await run(["breaking", "--against", "v1"], root);
    expect(stdout).toBe(
      "specs/entities/time-entry.yaml:10:3 - breaking field-removed: field TimeEntry.hours was removed (breaks event-consumers, adapters, stored-data); Entity TimeEntry needs a new major version (was 1.0.0, is 1.0.0)\n" +
        "1 change against v1 at level stored-data: 1 breaking, 1 without a breaking version bump.\n",
    );
    expect(code).toBe(1);
  });

  it("exits 0 for the same change with a major version bump", async () => {
    const root = repository();
    commitAll(root, edit(withoutHours, paths.ENTITY, "version: 1.0.0", "version: 2.0.0"), "drop hours in 2.0.0");
    const { code, stdout } = await run(["breaking", "--against", "v1", "--format", "json"], root);
    const report = JSON.parse(stdout);
    expect(report.changes).toEqual([
      {
        file: "specs/entities/time-entry.yaml",
        line: 10,
        column: 3,
        class: "field-removed",
        breaks: ["event-consumers", "adapters", "stored-data"],
        breaking: true,
        violation: false,
        document: "Entity/TimeEntry",
        previousVersion: "1.0.0",
        currentVersion: "2.0.0",
        message: "field TimeEntry.hours was removed",
      },
    ]);
    expect(report.summary).toEqual({ changes: 1, breaking: 1, violations: 0 });
    expect(Object.keys(report).at(-1)).toBe("summary");
    expect(code).toBe(0);
  });

  it("exits 2 for a ref that does not exist", async () => {
    const root = repository();
    const { code, stderr } = await run(["breaking", "--against", "v9"], root);
    expect(stderr).toMatch(/^spec breaking: cannot load v9: /);
    expect(code).toBe(2);
  });
});

describe("spec breaking against a folder", () => {
  it("holds only the changes the level protects", async () => {
    const previous = writeSet(cleanSet);
    const current = writeSet(edit(cleanSet, paths.ROUTE, "idempotencyKey: [timeEntryId]", "idempotencyKey: [timeEntryId, minutes]"));
    const stored = await run(["breaking", "--against", previous], current);
    expect(stored.code).toBe(1);
    expect(stored.stdout).toContain("breaking idempotency-key-changed: the idempotency key changed from [timeEntryId] to [timeEntryId, minutes]");
    const adapters = await run(["breaking", "--against", previous, "--level", "adapters"], current);
    expect(adapters.stdout).toContain("outside the level idempotency-key-changed");
    expect(adapters.code).toBe(0);
  });
});
