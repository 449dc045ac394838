import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { nextCronTime, parseSchedule } from "../../src/pipeline/schedule.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The example spec set as files, with `edit` applied to the one at `path`. */
function exampleSpecs(path: string, edit: (text: string) => string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[relative(projectRoot, full)] = readFileSync(full, "utf8");
    }
  };
  walk(join(projectRoot, "specs"));
  files["syncspec.yaml"] = readFileSync(join(projectRoot, "syncspec.yaml"), "utf8");
  files[path] = edit(files[path] as string);
  return files;
}

describe("cron schedules", () => {
  it("runs a day matching either day of month or day of week when both are restricted", () => {
    // 2026-12-06 is a Sunday: the next runs are Monday the 7th, the following Mondays, then Friday 1 January.
    const after = at("2026-12-27T12:00:00Z");
    expect(iso(nextCronTime("0 9 1 * 1", after))).toBe("2026-12-28T09:00:00.000Z");
    expect(iso(nextCronTime("0 9 1 * 1", at("2026-12-28T10:00:00Z")))).toBe("2027-01-01T09:00:00.000Z");
  });

  it("reads weekday and month names, 7 as Sunday and the nicknames", () => {
    const after = at("2026-12-02T12:00:00Z"); // a Wednesday
    expect(iso(nextCronTime("0 0 * * MON", after))).toBe("2026-12-07T00:00:00.000Z");
    expect(iso(nextCronTime("0 0 * * 7", after))).toBe("2026-12-06T00:00:00.000Z");
    expect(iso(nextCronTime("0 0 * * 0", after))).toBe("2026-12-06T00:00:00.000Z");
    expect(iso(nextCronTime("0 0 1 JAN *", after))).toBe("2027-01-01T00:00:00.000Z");
    expect(iso(nextCronTime("@daily", after))).toBe("2026-12-03T00:00:00.000Z");
    expect(iso(nextCronTime("@hourly", after))).toBe("2026-12-02T13:00:00.000Z");
    expect(iso(nextCronTime("30 2 * * *", at("2026-03-10T03:00:00Z")))).toBe("2026-03-11T02:30:00.000Z");
    expect(iso(nextCronTime("*/15 * * * *", at("2026-03-10T03:00:00Z")))).toBe("2026-03-10T03:15:00.000Z");
  });

  it("explains an expression it cannot read and one that never runs", () => {
    expect(parseSchedule("61 * * * *")).toMatch(/^'61 \* \* \* \*' is not a cron expression: .*minute/);
    expect(parseSchedule("* * *")).toMatch(/^'\* \* \*' is not a cron expression/);
    expect(parseSchedule("0 0 * * * *")).toMatch(/is not a cron expression/);
    expect(parseSchedule("0 0 31 2 *")).toBe("'0 0 31 2 *' never runs (no date matches it)");
  });

  it("reports a reconciliation schedule that does not parse at its location, and compiles nothing", async () => {
    const file = "specs/reconciliations/time-cost-postings.yaml";
    const dir = writeSpecSet(exampleSpecs(file, (text) => text.replace('schedule: "30 2 * * *"', 'schedule: "30 25 * * *"')));
    const result = await runCli(["validate", "specs", "--format", "json"], dir);
    expect(result.code).toBe(1);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { code: string; file: string; line: number; column: number; message: string }[] };
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "invalid-schedule", file, line: 15, column: 13, message: expect.stringMatching(/^'30 25 \* \* \*' is not a cron expression: .*hour/) }),
    ]);
  });

  it("reports a route schedule in the DSL that never runs", async () => {
    const route = `route nightly-close {
  on schedule "0 0 30 2 *"
  steps {
    check: validate TimeEntry
  }
  dead-letter nightly-dead
  exceptions time-posting-exceptions owner finance-ops
}
`;
    const dir = writeSpecSet({ ...exampleSpecs("syncspec.yaml", (t) => t), "specs/routes/nightly.sync": route });
    const result = await runCli(["validate", "specs", "--format", "json"], dir);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { code: string; file: string; line: number; column: number; message: string }[] };
    expect(diagnostics.filter((d) => d.code === "invalid-schedule")).toEqual([
      expect.objectContaining({ file: "specs/routes/nightly.sync", line: 2, message: "'0 0 30 2 *' never runs (no date matches it)" }),
    ]);
  });
});
