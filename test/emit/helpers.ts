/** Shared by the emit tests: a scratch folder inside the package (so `syncspec/runtime` resolves) and tsc over it. */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../src/testing/environment.ts";

/** The small fixture project: a project file and a spec set covering every kind the emitter reads. */
export const fixture = join(projectRoot, "test", "emit", "fixtures", "small");

/** A fresh copy of the fixture project inside the package, removed by `dispose`. */
export function scratchProject(): { dir: string; dispose(): void } {
  const base = join(projectRoot, "test", "emit", ".scratch");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, "p-"));
  cpSync(fixture, dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Type-checks a folder with the project's strict settings; returns tsc's output (empty when clean). */
export function typeCheck(dir: string): string {
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(projectRoot, "tsconfig.json"), include: ["generated"] }));
  const tsc = join(projectRoot, "node_modules", ".bin", "tsc");
  const result = spawnSync(tsc, ["-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
  return `${result.stdout}${result.stderr}`.trim();
}

/** Removes the scratch root when empty of other runs. */
export function removeScratchRoot(): void {
  rmSync(join(projectRoot, "test", "emit", ".scratch"), { recursive: true, force: true });
}
