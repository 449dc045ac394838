import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { Command } from "../../src/cli/command.ts";
import { commands, loadCommands } from "../../src/cli/commands.ts";
import { withReadmeTable } from "../../src/cli/help.ts";
import { DIAGNOSTIC_FORMATS } from "../../src/cli/print-diagnostics.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";

/** Set while a command is probed: the options it hands the parser, then the parse stops. */
const probe = vi.hoisted(() => ({ seen: undefined as string[] | undefined, calls: 0 }));

vi.mock("node:util", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:util")>();
  class ProbeStop extends Error {}
  return {
    ...actual,
    parseArgs: ((config: Parameters<typeof actual.parseArgs>[0]) => {
      if (probe.seen === undefined) return actual.parseArgs(config);
      probe.calls++;
      probe.seen.push(...Object.keys(config?.options ?? {}));
      throw new ProbeStop("probed");
    }) as typeof actual.parseArgs,
  };
});

/**
 * The options a command's parser accepts, read from the call it makes to node:util's parseArgs;
 * undefined when the command never reached the parser.
 */
async function acceptedOptions(command: Command): Promise<string[] | undefined> {
  const seen: string[] = [];
  probe.seen = seen;
  probe.calls = 0;
  try {
    await command.run([], { cwd: projectRoot, stdout: () => {}, stderr: () => {}, env: {}, isTTY: false });
  } catch {
    // The probe stops every command at its parse.
  } finally {
    probe.seen = undefined;
  }
  return probe.calls === 0 ? undefined : seen;
}

/** The option names listed under `options:` on a help page. */
function listedOptions(page: string): string[] {
  const block = page.split("\noptions:\n")[1]?.split("\n\n")[0] ?? "";
  return [...block.matchAll(/^ {2}--([a-z][a-z-]*)/gm)].map((m) => m[1] ?? "");
}

describe("command help", () => {
  it("lists, on every command's --help, each option its parser accepts and no other", async () => {
    for (const command of await loadCommands()) {
      const accepted = await acceptedOptions(command);
      if (accepted === undefined) throw new Error(`spec ${command.name} never reached its option parser`);
      const result = await runCli([command.name, "--help"], projectRoot);
      expect(result.code, command.name).toBe(0);
      const listed = listedOptions(result.stdout);
      expect(listed.filter((o) => o !== "help").sort(), `spec ${command.name} --help`).toEqual([...new Set(accepted)].sort());
      expect(listed).toContain("help");
    }
  });

  it("reads the options from the parser itself", async () => {
    const explain = await (commands.find((c) => c.name === "explain")?.load() as Promise<Command>);
    expect(await acceptedOptions(explain)).toEqual(["list"]);
    const dlq = await (commands.find((c) => c.name === "dlq")?.load() as Promise<Command>);
    expect(await acceptedOptions(dlq)).not.toContain("payload");
  });

  it("prints the same page for spec help <command> and spec <command> --help, with values, defaults and examples", async () => {
    const viaHelp = await runCli(["help", "lint"], projectRoot);
    const viaFlag = await runCli(["lint", "--help"], projectRoot);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toMatch(/^spec lint: Apply the governance rules/);
    expect(viaHelp.stdout).toMatch(/--fail-severity <severity> +The least severe finding that fails the run \(exit 1\)\n +one of: error, warn, info, hint\n +default: error\n/);
    expect(viaHelp.stdout).toMatch(/\nexamples:\n(.*\n)* {2}spec lint --format sarif > lint\.sarif\n/);
  });

  it("lists every format validate accepts", async () => {
    const result = await runCli(["validate", "--help"], projectRoot);
    expect(result.stdout).toContain("one of: stylish, json, sarif, junit, github");
    for (const format of ["sarif", "junit", "github"]) expect((await runCli(["validate", "--format", format, "specs"], projectRoot)).code).toBe(0);
  });

  it("names every option in the command's synopsis", async () => {
    for (const command of await loadCommands()) {
      for (const option of command.options) expect(command.usage, `spec ${command.name}'s usage`).toMatch(new RegExp(`--${option.name}\\b`));
    }
  });

  it("gives every option a description and two examples that use it", async () => {
    for (const command of await loadCommands()) {
      for (const option of command.options) {
        expect(option.description.length, `${command.name} --${option.name}`).toBeGreaterThan(10);
        expect(new Set(option.examples).size, `${command.name} --${option.name}`).toBe(2);
        for (const example of option.examples) {
          expect(example, `an example of ${command.name} --${option.name}`).toMatch(new RegExp(`\\bspec ${command.name}\\b.*--${option.name}\\b`));
        }
      }
    }
  });

  it("gives every reporting command --format, with one set per kind of report and JSON in each", async () => {
    const loaded = await loadCommands();
    const format = (name: string) => loaded.find((c) => c.name === name)?.options.find((o) => o.name === "format");
    for (const name of ["validate", "compile", "lint"]) expect(format(name), name).toMatchObject({ values: DIAGNOSTIC_FORMATS, default: "stylish" });
    for (const name of ["breaking", "exceptions", "dlq", "audit", "replay", "reconcile", "status", "demo", "fmt"]) {
      expect(format(name), name).toMatchObject({ values: ["text", "json"], default: "text" });
    }
    expect(format("test")?.values).toEqual(expect.arrayContaining(["text", "json"]));
  });

  it("prints the general help with every command for spec help and spec --help", async () => {
    const result = await runCli(["help"], projectRoot);
    expect(result.code).toBe(0);
    for (const { name } of commands) expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    expect((await runCli(["--help"], projectRoot)).stdout).toBe(result.stdout);
    expect((await runCli(["help", "help"], projectRoot)).stdout).toBe(result.stdout);
    // With no command at all it is a usage mistake: the same help, on stderr, exit 2.
    expect(await runCli([], projectRoot)).toEqual({ code: 2, stdout: "", stderr: result.stdout });
  });
});

describe("did you mean", () => {
  it("suggests the closest command for a misspelt one, and exits 2", async () => {
    const result = await runCli(["valdate"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("spec: unknown command 'valdate'; did you mean 'spec validate'?");
  });

  it("lists the commands when none is close", async () => {
    const result = await runCli(["frobnicate"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown command 'frobnicate'; the commands are ${commands.map((c) => c.name).join(", ")}`);
  });

  it("suggests --version or --help for an unknown option before any command", async () => {
    const result = await runCli(["--versoin"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("spec: unknown option '--versoin'; did you mean '--version'?");
    expect((await runCli(["--verbose", "validate"], projectRoot)).stderr).toContain("unknown option '--verbose'; before a command, spec takes only --help and --version");
  });

  it("suggests a command for spec help of an unknown one", async () => {
    const result = await runCli(["help", "complie"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'spec compile'?");
  });

  it("suggests the closest option for a misspelt one", async () => {
    const result = await runCli(["lint", "--fail-severty", "warn"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("spec lint: unknown option '--fail-severty'; did you mean '--fail-severity'?");
  });

  it("suggests the closest action for a misspelt one", async () => {
    const audit = await runCli(["audit", "verfy"], projectRoot);
    expect(audit.code).toBe(2);
    expect(audit.stderr).toContain("spec audit: unknown action 'verfy'; did you mean 'verify'?");
    const exceptions = await runCli(["exceptions", "lsit"], projectRoot);
    expect(exceptions.stderr).toContain("spec exceptions: unknown action 'lsit'; did you mean 'list'?");
    const dlq = await runCli(["dlq", "edit", "3"], projectRoot);
    expect(dlq.stderr).toContain("spec dlq: unknown action 'edit'; use one of list, show, retry, skip");
  });

  it("suggests the closest value of an option with a closed set, and names the option", async () => {
    const format = await runCli(["validate", "--format", "jsn"], projectRoot);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("unknown format 'jsn'; did you mean 'json'? use one of stylish, json, sarif, junit, github");
    const severity = await runCli(["lint", "--fail-severity", "eror"], projectRoot);
    expect(severity.stderr).toContain("unknown severity 'eror'; did you mean 'error'? use one of error, warn, info, hint");
    const view = await runCli(["graph", "--view", "everything"], projectRoot);
    expect(view.stderr).toContain("unknown view 'everything'; use one of routes, ownership, all");
  });

  it("lists the options when none is close, and says so when a command takes none", async () => {
    const graph = await runCli(["graph", "--colour"], projectRoot);
    expect(graph.code).toBe(2);
    expect(graph.stderr).toContain("unknown option '--colour'; the options are --format, --view");
    const init = await runCli(["init", "--force"], projectRoot);
    expect(init.stderr).toContain("unknown option '--force'; this command takes no options");
  });
});

describe("the README's command table", () => {
  it("is the table the command descriptions print (npm run readme-commands rewrites it)", async () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(withReadmeTable(readme, await loadCommands()), "README.md's command table is stale: run npm run readme-commands").toBe(readme);
  });

  it("fails on a stale table", async () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    const stale = readme.replace("| `spec init [dir]` |", "| `spec init [folder]` |");
    expect(stale).not.toBe(readme);
    expect(withReadmeTable(stale, await loadCommands())).toBe(readme);
  });
});
