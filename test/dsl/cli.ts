/** Runs the CLI in-process and captures what it prints. */
import { main } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { projectRoot } from "../../src/testing/environment.ts";

/** The outcome of one `spec` invocation. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `spec <args>` in `cwd` (the project root by default). */
export async function runCli(args: string[], cwd = projectRoot): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { NO_COLOR: "1" }, isTTY: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
