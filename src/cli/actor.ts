/**
 * Who a person's action on the command line is recorded as in the audit log, when `--by` does not
 * say: the git identity of the working directory (`user.name <user.email>`, as a commit would
 * record it), else the login name. An audit row never says "unknown".
 */
import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import type { CliIo } from "./io.ts";

/** One `git config` value, or undefined when git, the repository or the key is missing. */
function gitConfig(io: CliIo, key: string): string | undefined {
  try {
    const value = execFileSync("git", ["config", "--get", key], {
      cwd: io.cwd,
      env: { ...io.env, PATH: io.env["PATH"] ?? process.env["PATH"] },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5_000,
    }).trim();
    return value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}

/** The git user of the working directory, as `name <email>`, or whichever half is set. */
export function gitUser(io: CliIo): string | undefined {
  const name = gitConfig(io, "user.name");
  const email = gitConfig(io, "user.email");
  if (name !== undefined && email !== undefined) return `${name} <${email}>`;
  return name ?? email;
}

/** The login name: `$USER`, `$LOGNAME`, or the operating system's name for the process's user. */
function loginName(io: CliIo): string {
  const fromEnv = [io.env["USER"], io.env["LOGNAME"]].find((v) => v !== undefined && v.trim() !== "");
  if (fromEnv !== undefined) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    // A process whose user has no passwd entry (some containers) still has a user id.
    return `uid ${process.getuid?.() ?? "?"}`;
  }
}

/** The actor recorded for a CLI action: `--by` when given and not blank, else the git user, else the login name. */
export function actorOf(io: CliIo, by: string | undefined): string {
  if (by !== undefined && by.trim() !== "") return by.trim();
  return gitUser(io) ?? loginName(io);
}
