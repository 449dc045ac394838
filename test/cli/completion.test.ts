import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commands, loadCommands } from "../../src/cli/commands.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";

async function script(shell: string): Promise<string> {
  const result = await runCli(["completion", shell], projectRoot);
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Loads the bash script into a real bash, completes the words given and returns the candidates. */
function completeInBash(text: string, words: string[], cwd = projectRoot): string[] {
  const dir = mkdtempSync(join(tmpdir(), "spec-completion-"));
  const file = join(dir, "spec.bash");
  writeFileSync(file, text);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const program = `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _spec_completion; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["--norc", "--noprofile", "-c", program], { cwd, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout.split("\n").filter((line) => line !== "");
}

describe("spec completion", () => {
  it("completes command names in bash", async () => {
    const bash = await script("bash");
    expect(completeInBash(bash, ["spec", "val"])).toEqual(["validate"]);
    expect(completeInBash(bash, ["spec", "re"]).sort()).toEqual(["reconcile", "replay"]);
    expect(completeInBash(bash, ["spec", ""])).toHaveLength(commands.length + 1);
  });

  it("completes a command's options and the values of closed ones in bash", async () => {
    const bash = await script("bash");
    expect(completeInBash(bash, ["spec", "lint", "--fail"])).toEqual(["--fail-severity"]);
    expect(completeInBash(bash, ["spec", "lint", "--format", "s"]).sort()).toEqual(["sarif", "stylish"]);
    expect(completeInBash(bash, ["spec", "graph", "--view", ""]).sort()).toEqual(["all", "ownership", "routes"]);
    expect(completeInBash(bash, ["spec", "audit", ""]).sort()).toEqual(["trail", "verify"]);
    expect(completeInBash(bash, ["spec", "help", "comp"]).sort()).toEqual(["compile", "completion"]);
  });

  it("completes file names for arguments and for options that take a path, in bash", async () => {
    const bash = await script("bash");
    const dir = mkdtempSync(join(tmpdir(), "spec-completion-files-"));
    writeFileSync(join(dir, "time-to-revenue.sync"), "");
    expect(completeInBash(bash, ["spec", "validate", "time"], dir)).toEqual(["time-to-revenue.sync"]);
    expect(completeInBash(bash, ["spec", "lint", "--baseline", "time"], dir)).toEqual(["time-to-revenue.sync"]);
  });

  it("writes every command, option and closed value into the zsh and fish scripts", async () => {
    const zsh = await script("zsh");
    const fish = await script("fish");
    expect(zsh.startsWith("#compdef spec\n")).toBe(true);
    for (const command of await loadCommands()) {
      expect(zsh).toContain(`    '${command.name}:`);
      expect(fish).toContain(`-n __fish_use_subcommand -a ${command.name} -d `);
      for (const option of command.options) {
        expect(zsh, `zsh: ${command.name} --${option.name}`).toContain(`'--${option.name}[`);
        expect(fish, `fish: ${command.name} --${option.name}`).toContain(`'__fish_seen_subcommand_from ${command.name}' -l ${option.name}`);
        if (option.values !== undefined) {
          expect(zsh).toContain(`:(${option.values.join(" ")})'`);
          expect(fish).toContain(`-l ${option.name} -x -a '${option.values.join(" ")}'`);
        }
      }
    }
  });

  it("escapes descriptions for zsh and fish", async () => {
    const zsh = await script("zsh");
    const fish = await script("fish");
    // "the Policy's breaking.level" holds a quote; "(exit 1)" and "[paths]" hold brackets.
    expect(zsh).toContain("--fail-severity[The least severe finding that fails the run (exit 1)]");
    expect(fish).toContain("-d 'The least severe finding that fails the run (exit 1)'");
    expect(fish).toContain("Do not run the Policy\\'s rule modules");
    expect(zsh).toContain("Do not run the Policy'\\''s rule modules");
  });

  it("closes every quote it opens in the zsh and fish scripts, and bash parses its script", async () => {
    const zsh = await script("zsh");
    const fish = await script("fish");
    for (const line of zsh.split("\n")) expect(line.replaceAll("'\\''", "").split("'").length % 2, line).toBe(1);
    for (const line of fish.split("\n")) expect(line.replaceAll("\\'", "").split("'").length % 2, line).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), "spec-completion-syntax-"));
    writeFileSync(join(dir, "spec.bash"), await script("bash"));
    const parsed = spawnSync("bash", ["-n", join(dir, "spec.bash")], { encoding: "utf8" });
    expect(parsed.stderr).toBe("");
    expect(parsed.status).toBe(0);
  });

  it("refuses an unknown shell with exit 2", async () => {
    const result = await runCli(["completion", "powershell"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown action 'powershell'; use one of bash, zsh, fish");
    const none = await runCli(["completion"], projectRoot);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("name the action: bash, zsh, fish");
  });
});
