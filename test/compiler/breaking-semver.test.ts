import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { isBreakingBump, nextBreakingVersion } from "../../src/compiler/breaking/versions.ts";
import { cleanSet, edit, writeSet } from "../lint/lint-helpers.ts";
import { paths } from "../lint/rules/cases.ts";

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: () => {}, env: { NO_COLOR: "1" }, isTTY: false };
  const code = await main(args, io);
  return { code, stdout };
}

describe("breaking version bumps under semver", () => {
  it.each([
    ["1.0.0", "2.0.0", true],
    ["1.4.2", "1.5.0", false],
    ["1.4.2", "1.4.3", false],
    ["0.1.0", "0.2.0", true],
    ["0.1.0", "0.1.1", false],
    ["0.1.0", "1.0.0", true],
    ["0.3.0", "0.2.9", false],
    ["2.0.0", "1.9.0", false],
    [undefined, "0.1.0", true],
    ["1.0.0", undefined, false],
  ] as const)("treats %s → %s as breaking: %s", (previous, current, expected) => {
    expect(isBreakingBump(previous, current)).toBe(expected);
  });

  it("names the smallest version that would announce a breaking change", () => {
    expect(nextBreakingVersion("0.1.3")).toBe("0.2.0");
    expect(nextBreakingVersion("1.4.2")).toBe("2.0.0");
    expect(nextBreakingVersion(undefined)).toBeUndefined();
  });
});

describe("spec breaking on a 0.x document", () => {
  const released = edit(cleanSet, paths.ENTITY, "version: 1.0.0", "version: 0.1.0");
  const withoutHours = edit(released, paths.ENTITY, "    hours: { type: decimal, scale: 2, required: true }\n", "");

  it("accepts 0.1.0 → 0.2.0 as the bump for a breaking change", async () => {
    const previous = writeSet(released);
    const current = writeSet(edit(withoutHours, paths.ENTITY, "version: 0.1.0", "version: 0.2.0"));
    const result = await run(["breaking", "--against", previous], current);
    expect(result.stdout).toContain("breaking, allowed by the version field-removed: field TimeEntry.hours was removed");
    expect(result.stdout).toContain("1 breaking, 0 without a breaking version bump.");
    expect(result.code).toBe(0);
  });

  it("refuses 0.1.0 → 0.1.1 for a breaking change and names the version that would do", async () => {
    const previous = writeSet(released);
    const current = writeSet(edit(withoutHours, paths.ENTITY, "version: 0.1.0", "version: 0.1.1"));
    const result = await run(["breaking", "--against", previous], current);
    expect(result.stdout).toContain(
      "Entity TimeEntry needs a breaking version bump (0.2.0 or later: a 0.x version breaks at its minor number) (was 0.1.0, is 0.1.1)",
    );
    expect(result.stdout).toContain("1 breaking, 1 without a breaking version bump.");
    expect(result.code).toBe(1);
  });
});
