import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { writeFixture } from "../runtime/fixture.ts";

/** The fixture project with a store configured and two versions of project data beside it. */
function project(): string {
  const dir = writeFixture();
  writeFileSync(join(dir, "syncspec.run.yaml"), "store: sqlite:state.db\n");
  writeFileSync(join(dir, "projects.json"), JSON.stringify([{ projectId: "P1", name: "Cost review" }, { projectId: "P2", name: "Asset data" }]));
  writeFileSync(join(dir, "projects-2.csv"), "projectId,name\nP1,Cost review (phase 2)\nP3,Tariff analytics\n");
  return dir;
}

describe("spec data", () => {
  it("loads a JSON file and a CSV file as versions, lists them, shows the current rows and compares the two", async () => {
    const dir = project();
    expect(await runCli(["data", "load", "Project", "projects.json", "--by", "ana"], dir)).toEqual({
      code: 0,
      stdout: "loaded 2 Project records from projects.json as version 1\n",
      stderr: "",
    });
    expect((await runCli(["data", "load", "Project", "projects-2.csv", "--by", "ana"], dir)).stdout).toBe("loaded 2 Project records from projects-2.csv as version 2\n");
    const listed = await runCli(["data", "list", "--format", "json"], dir);
    const report = JSON.parse(listed.stdout) as { versions: { version: number; rows: number; source: string; loadedBy: string }[]; summary: unknown };
    expect(report.summary).toEqual({ versions: 2 });
    expect(report.versions.map((v) => [v.version, v.rows, v.source, v.loadedBy])).toEqual([
      [1, 2, "projects.json", "ana"],
      [2, 2, "projects-2.csv", "ana"],
    ]);
    expect((await runCli(["data", "show", "Project"], dir)).stdout).toBe(
      'P1  {"projectId":"P1","name":"Cost review (phase 2)"}\nP3  {"projectId":"P3","name":"Tariff analytics"}\n',
    );
    expect((await runCli(["data", "show", "Project", "--version", "1"], dir)).stdout.split("\n")[0]).toBe('P1  {"projectId":"P1","name":"Cost review"}');
    expect((await runCli(["data", "diff", "Project", "1", "2"], dir)).stdout).toBe(
      [
        '~ P1  {"projectId":"P1","name":"Cost review"} -> {"projectId":"P1","name":"Cost review (phase 2)"}',
        '- P2  {"projectId":"P2","name":"Asset data"}',
        '+ P3  {"projectId":"P3","name":"Tariff analytics"}',
        "3 changes",
        "",
      ].join("\n"),
    );
  });

  it("prints every problem of a bad file located by line, loads nothing and exits 1", async () => {
    const dir = project();
    writeFileSync(join(dir, "bad.csv"), "projectId,name\nP1,Cost review\nP1,Cost review again\nP2\n");
    const result = await runCli(["data", "load", "Project", "bad.csv"], dir);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: [
        "bad.csv line 3: duplicates the key Project P1 of line 2",
        "bad.csv line 4: has 1 cells and the header 2: the column name is missing",
        "spec data: nothing loaded: 2 problems in bad.csv",
        "",
      ].join("\n"),
    });
    expect((await runCli(["data", "list"], dir)).stdout).toBe("no reference data loaded\n");
  });

  it("loads the seed files the spec set names once, for entities with no data yet, and reports a seed file that is not there", async () => {
    const dir = project();
    const entity = readFileSync(join(dir, "specs/project.yaml"), "utf8");
    writeFileSync(join(dir, "specs/project.yaml"), entity.replace("  identity: [projectId]\n", "  identity: [projectId]\n  seed: ../projects.json\n"));
    expect(await runCli(["data", "seed", "--by", "deploy"], dir)).toEqual({ code: 0, stdout: "loaded 2 Project records from ../projects.json as version 1\n", stderr: "" });
    expect((await runCli(["data", "seed"], dir)).stdout).toBe("Project already has reference data; its seed ../projects.json is not loaded again\n");
    expect((await runCli(["data", "load", "Project"], dir)).stdout).toBe("loaded 2 Project records from ../projects.json as version 2\n");
    writeFileSync(join(dir, "specs/project.yaml"), entity.replace("  identity: [projectId]\n", "  identity: [projectId]\n  seed: ../projets.json\n"));
    const validated = await runCli(["validate", "--format", "json"], dir);
    expect(validated.code).toBe(1);
    expect((JSON.parse(validated.stdout) as { diagnostics: { code: string; message: string; line: number }[] }).diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      ["path-not-found", "../projets.json does not exist", 9],
    ]);
  });

  it("refuses a seed file outside the project, as every file a spec names, and loads nothing", async () => {
    const dir = project();
    const outside = `outside-${basename(dir)}.json`;
    writeFileSync(join(dir, "..", outside), JSON.stringify([{ projectId: "P9", name: "Elsewhere" }]));
    const entity = readFileSync(join(dir, "specs/project.yaml"), "utf8");
    writeFileSync(join(dir, "specs/project.yaml"), entity.replace("  identity: [projectId]\n", `  identity: [projectId]\n  seed: ../../${outside}\n`));
    expect(await runCli(["data", "seed"], dir)).toEqual({ code: 1, stdout: "", stderr: `spec data: cannot read ../../${outside}: it lies outside the project root\n` });
    rmSync(join(dir, "..", outside));
  });

  it("names the closest entity when the one given is not in the spec set", async () => {
    const dir = project();
    expect(await runCli(["data", "load", "Projet", "projects.json"], dir)).toEqual({ code: 1, stdout: "", stderr: "spec data: the spec set has no entity Projet; did you mean Project?\n" });
  });

  it("refuses an unknown action and a version that is not a number as usage mistakes", async () => {
    const dir = project();
    expect((await runCli(["data", "drop", "Project"], dir)).code).toBe(2);
    const result = await runCli(["data", "diff", "Project", "one"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("<from-version> must be a version number (1, 2, ...), got 'one'");
  });
});
