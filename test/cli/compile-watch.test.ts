import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printWatchCycle } from "../../src/cli/compile.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { scratchProject } from "../emit/helpers.ts";

/** Saves as many editors do: the new text goes to a scratch file renamed over the old one. */
function saveByRename(path: string, from: string, to: string): void {
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  writeFileSync(`${path}.swp`, text.replace(from, to));
  renameSync(`${path}.swp`, path);
}

/** Resolves once `stream()` holds `count` matches of `pattern`. */
function waitFor(stream: () => string, pattern: RegExp, count: number, what: string): Promise<void> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if ((stream().match(new RegExp(pattern, "g")) ?? []).length >= count) {
        clearInterval(poll);
        done();
      } else if (Date.now() - started > 60_000) {
        clearInterval(poll);
        fail(new Error(`no ${what} within 60 s; stderr so far:\n${stream()}`));
      }
    }, 20);
  });
}

describe("spec compile --watch on the command line", () => {
  const project = scratchProject();
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
    project.dispose();
  });

  it("recompiles after saves by rename, reports the error, then says it is gone, and stops on Ctrl-C", async () => {
    child = spawn(process.execPath, [join(projectRoot, "bin", "spec.mjs"), "compile", "--watch"], { cwd: project.dir, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child?.on("exit", (code) => done(code)));
    const ok = /compiled with no errors in \d+ ms/;
    await waitFor(() => stderr, ok, 1, "first compile");
    const routes = join(project.dir, "specs", "routes.yaml");
    saveByRename(routes, "validate: TimeEntry", "validate: TimeEntri");
    await waitFor(() => stderr, /1 error\(s\): nothing emitted; watching for changes/, 1, "error after the broken save");
    expect(stdout).toContain("unknown-reference");
    saveByRename(routes, "validate: TimeEntri", "validate: TimeEntry");
    await waitFor(() => stderr, ok, 2, "recompile after the fix");
    const mapping = join(project.dir, "specs", "mappings.yaml");
    saveByRename(mapping, '"memo": "time " & timeEntryId', '"memo": "hours " & timeEntryId');
    await waitFor(() => stderr, ok, 3, "recompile after a second save by rename");
    expect(readFileSync(join(project.dir, "generated", "mappings", "time-to-journal.expr.js"), "utf8")).toContain('"hours "');
    const lines = stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^\[\d\d:\d\d:\d\d\] compiled with no errors in \d+ ms; 2 file\(s\) written, 0 removed; watching for changes$/);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 240_000);
});

describe("printing a watch cycle", () => {
  const capture = (isTTY: boolean) => {
    const out = { stdout: "", stderr: "" };
    const io: CliIo = { cwd: "/", isTTY, env: {}, stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) };
    return { io, out };
  };
  const at = new Date("2026-03-02T09:15:30Z");

  it("clears a terminal before each cycle, so a fixed error does not stay on screen", () => {
    const { io, out } = capture(true);
    printWatchCycle(io, { diagnostics: [], written: ["index.ts"], removed: [], emitted: true, ms: 41.6 }, "stylish", at);
    expect(out.stdout).toBe("\x1b[2J\x1b[3J\x1b[H");
    expect(out.stderr).toBe("[09:15:30] compiled with no errors in 42 ms; 1 file(s) written, 0 removed; watching for changes\n");
  });

  it("never writes terminal codes into a pipe or a machine format", () => {
    const piped = capture(false);
    printWatchCycle(piped.io, { diagnostics: [], written: [], removed: [], emitted: false, ms: 3 }, "stylish", at);
    expect(piped.out.stdout).toBe("");
    expect(piped.out.stderr).toBe("[09:15:30] 0 error(s): nothing emitted; watching for changes\n");
    const json = capture(true);
    printWatchCycle(json.io, { diagnostics: [], written: [], removed: [], emitted: true, ms: 3 }, "json", at);
    expect(json.out.stdout).not.toContain("\x1b");
  });
});
