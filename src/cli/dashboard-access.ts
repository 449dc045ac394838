/**
 * How `spec run --dashboard` and `spec demo` tell the operator where the dashboard is and how to
 * sign in, without putting the token into logs: the address is printed; a token the operator gave
 * (environment, flag) is not repeated; a fresh one is printed only to an interactive terminal, and
 * otherwise written to a file only its owner can read, whose path is printed.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DashboardLogEntry } from "../dashboard/server.ts";
import type { CliIo } from "./io.ts";

/** The lines announcing a dashboard at `url` whose token is `token`. */
export function announceDashboard(io: CliIo, options: { prefix: string; url: string; token: string; given: string | undefined }): string {
  const { prefix, url, token, given } = options;
  if (given !== undefined) return `${prefix}dashboard at ${url} (sign in with the token from ${given})\n`;
  if (io.isTTY) return `${prefix}dashboard at ${url}\n${prefix}dashboard token (sign in with it; it is not shown again): ${token}\n`;
  const folder = mkdtempSync(join(tmpdir(), "syncspec-dashboard-"));
  const file = join(folder, "token");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // The mode is honoured only for a new file; say it again whatever the umask did.
  chmodSync(file, 0o600);
  return `${prefix}dashboard at ${url} (its token is in ${file}, readable only by you)\n`;
}

/** A structured logger for the dashboard: one JSON object a line on stderr. */
export function dashboardLog(io: CliIo, now: () => number = Date.now): (entry: DashboardLogEntry) => void {
  return (entry) => io.stderr(`${JSON.stringify({ at: new Date(now()).toISOString(), component: "dashboard", ...entry })}\n`);
}
