/**
 * Helpers for tests that need a spec set on disk and the CLI run against it, in-process.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../cli/main.ts";

/** Writes files (path relative to a new temporary folder -> content) and returns the folder. */
export function writeSpecSet(files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-"));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `spec <args>` in-process with `cwd`, capturing output; never a terminal, so no colour. */
export async function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    isTTY: false,
  });
  return { code, stdout, stderr };
}
