/**
 * Loading the spec set to compare against: a folder as it is, or a git ref exported with
 * `git archive` into a temporary folder, where the same project file and paths are loaded.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { loadProgram, type Program } from "../program.ts";

/** The other side, loaded; `dispose` removes any temporary folder. */
export interface Against {
  program: Program;
  /** How to name the other side in messages: the folder or the ref. */
  label: string;
  dispose(): void;
}

/** Why the other side could not be loaded, for a one-line message and exit 2. */
export class AgainstError extends Error {
  override name = "AgainstError";
}

function git(args: readonly string[], cwd: string, input?: Buffer): Buffer {
  try {
    return execFileSync("git", args, { cwd, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"], ...(input === undefined ? {} : { input }) });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
    throw new AgainstError(stderr === "" ? (error as Error).message : stderr.split("\n")[0]);
  }
}

/** Loads `against` (a folder, or else a git ref) as seen from `cwd`, with the same paths. */
export function loadAgainst(against: string, cwd: string, paths: readonly string[]): Against {
  const folder = resolve(cwd, against);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const program = loadProgram({ cwd: folder, paths });
    return { program, label: against, dispose: () => {} };
  }
  const top = git(["rev-parse", "--show-toplevel"], cwd).toString().trim();
  git(["rev-parse", "--verify", "--quiet", `${against}^{commit}`], top);
  const tar = git(["archive", "--format=tar", against], top);
  const dir = mkdtempSync(join(tmpdir(), "syncspec-against-"));
  try {
    execFileSync("tar", ["-x", "-C", dir], { input: tar, stdio: ["pipe", "ignore", "pipe"] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new AgainstError(`cannot unpack ${against}: ${(error as Error).message}`);
  }
  const program = loadProgram({ cwd: join(dir, relative(top, resolve(cwd))), paths });
  return { program, label: against, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
