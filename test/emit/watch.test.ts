import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type WatchCycle, watchSpecs } from "../../src/compiler/emit/watch.ts";
import { scratchProject } from "./helpers.ts";

/**
 * Runs `edit` and resolves once recompiling has settled, with the cycles since merged: one
 * save can reach the watcher as several events.
 */
function nextCycle(cycles: WatchCycle[], edit: () => void): Promise<WatchCycle> {
  const seen = cycles.length;
  edit();
  return new Promise((done, fail) => {
    const started = Date.now();
    let count = seen;
    let quietSince = Date.now();
    const poll = setInterval(() => {
      if (cycles.length !== count) {
        count = cycles.length;
        quietSince = Date.now();
      }
      if (cycles.length > seen && Date.now() - quietSince > 300) {
        clearInterval(poll);
        const since = cycles.slice(seen);
        const last = since[since.length - 1] as WatchCycle;
        done({ ...last, written: [...new Set(since.flatMap((c) => c.written))].sort(), removed: [...new Set(since.flatMap((c) => c.removed))].sort() });
      } else if (Date.now() - started > 20_000) {
        clearInterval(poll);
        fail(new Error("no recompile within 20 s"));
      }
    }, 10);
  });
}

describe("spec compile --watch", () => {
  const project = scratchProject();
  const cycles: WatchCycle[] = [];
  const watcher = watchSpecs({ cwd: project.dir, paths: [], outDir: join(project.dir, "generated"), onCycle: (c) => cycles.push(c), debounceMs: 50 });
  afterAll(() => {
    watcher.close();
    project.dispose();
  });
  const edit = (file: string, from: string, to: string) => () => {
    const path = join(project.dir, "specs", file);
    writeFileSync(path, readFileSync(path, "utf8").replace(from, to));
  };

  it("compiles everything first", async () => {
    for (let waited = 0; cycles.length === 0 && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(cycles[0]?.emitted).toBe(true);
    expect(cycles[0]?.written.length).toBe(27);
  });

  it("re-emits only the files of an edited mapping, and the manifest that fingerprints it", async () => {
    const cycle = await nextCycle(cycles, edit("mappings.yaml", '"memo": "time " & timeEntryId', '"memo": "hours " & timeEntryId'));
    expect(cycle.written).toEqual(["manifest.json", "mappings/time-to-journal.expr.js"]);
    expect(readFileSync(join(project.dir, "generated", "mappings", "time-to-journal.expr.js"), "utf8")).toContain('"hours "');
  });

  it("re-emits an edited entity with the mappings typed by it, and the documents describing it", async () => {
    const cycle = await nextCycle(cycles, edit("entities.yaml", "description: Hours worked.", "description: Hours worked in decimal hours."));
    expect(cycle.written).toEqual(["asyncapi.yaml", "entities/time-entry.ts", "schemas/time-entry.schema.json"]);
  });

  it("reports an error and leaves the output alone until it is fixed", async () => {
    const broken = await nextCycle(cycles, edit("routes.yaml", "validate: TimeEntry", "validate: TimeEntri"));
    expect(broken.emitted).toBe(false);
    expect(broken.diagnostics.map((d) => d.code)).toContain("unknown-reference");
    const fixed = await nextCycle(cycles, edit("routes.yaml", "validate: TimeEntri", "validate: TimeEntry"));
    expect(fixed.emitted).toBe(true);
    expect(fixed.written).toEqual([]);
  });

  it("re-emits everything affected when a name changes, removing what is no longer produced", async () => {
    const cycle = await nextCycle(cycles, edit("routes.yaml", "name: approved-time-to-erp", "name: approved-time-to-ledger"));
    expect(cycle.written).toContain("routes/approved-time-to-ledger.ts");
    expect(cycle.written).toContain("index.ts");
    expect(cycle.removed).toContain("routes/approved-time-to-erp.ts");
  });

  const spec = (...parts: string[]) => join(project.dir, "specs", ...parts);
  const output = (...parts: string[]) => join(project.dir, "generated", ...parts);
  const NOTE = `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Note, version: 1.0.0, description: A note on a project., team: delivery-ops }
spec:
  identity: [noteId]
  fields:
    noteId: { type: string, required: true }
---
apiVersion: syncspec.dev/v1
kind: Ownership
metadata: { name: note-ownership, version: 1.0.0, description: Who keeps notes., team: delivery-ops }
spec: { entity: Note, systemOfRecord: psa, steward: delivery-ops, create: [psa] }
`;

  it("sees a save that writes a new file and renames it over the old one, again and again", async () => {
    for (const word of ["minutes", "spent", "time"]) {
      const cycle = await nextCycle(cycles, () => {
        const path = spec("mappings.yaml");
        const text = readFileSync(path, "utf8").replace(/"memo": "[a-z]+ " & timeEntryId/, `"memo": "${word} " & timeEntryId`);
        writeFileSync(`${path}.tmp`, text);
        renameSync(`${path}.tmp`, path);
      });
      expect(cycle.emitted).toBe(true);
      expect(cycle.written).toContain("mappings/time-to-journal.expr.js");
      expect(readFileSync(output("mappings", "time-to-journal.expr.js"), "utf8")).toContain(`"${word} "`);
    }
  });

  it("sees an edit made by sed -i, which replaces the file", async () => {
    const cycle = await nextCycle(cycles, () => execFileSync("sed", ["-i", 's/"memo": "time "/"memo": "logged "/', spec("mappings.yaml")]));
    expect(cycle.written).toContain("mappings/time-to-journal.expr.js");
    expect(readFileSync(output("mappings", "time-to-journal.expr.js"), "utf8")).toContain('"logged "');
  });

  it("compiles a new file in a new folder, and removes its output when the file is deleted", async () => {
    const added = await nextCycle(cycles, () => {
      mkdirSync(spec("notes", "drafts"), { recursive: true });
      writeFileSync(spec("notes", "drafts", "note.yaml"), NOTE);
    });
    expect(added.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(added.emitted).toBe(true);
    expect(added.written).toContain("entities/note.ts");
    const edited = await nextCycle(cycles, () => writeFileSync(spec("notes", "drafts", "note.yaml"), NOTE.replace("A note on a project.", "A note on a project or a client.")));
    expect(edited.written).toContain("entities/note.ts");
    const removed = await nextCycle(cycles, () => rmSync(spec("notes", "drafts", "note.yaml")));
    expect(removed.removed).toContain("entities/note.ts");
    expect(existsSync(output("entities", "note.ts"))).toBe(false);
  });

  it("follows a folder replaced as a whole, as a checkout does, and the files in it afterwards", async () => {
    const replaced = await nextCycle(cycles, () => {
      cpSync(spec("notes"), join(project.dir, "notes-next"), { recursive: true });
      writeFileSync(join(project.dir, "notes-next", "drafts", "note.yaml"), NOTE);
      rmSync(spec("notes"), { recursive: true });
      renameSync(join(project.dir, "notes-next"), spec("notes"));
    });
    expect(replaced.written).toContain("entities/note.ts");
    const later = await nextCycle(cycles, () => writeFileSync(spec("notes", "drafts", "note.yaml"), NOTE.replace("A note on a project.", "A note kept by delivery.")));
    expect(later.written).toContain("entities/note.ts");
    expect(readFileSync(output("entities", "note.ts"), "utf8")).toContain("A note kept by delivery.");
  });

  it("sees the files git checkout writes when switching branches, both ways", async () => {
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Spec Author", "-c", "user.email=author@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: project.dir, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("add", "specs");
    git("commit", "-q", "-m", "specs");
    git("checkout", "-q", "-b", "wording");
    writeFileSync(spec("mappings.yaml"), readFileSync(spec("mappings.yaml"), "utf8").replace(/"memo": "[a-z]+ " & timeEntryId/, '"memo": "entry " & timeEntryId'));
    git("commit", "-q", "-am", "wording");
    git("checkout", "-q", "main");
    await nextCycle(cycles, () => {});
    const switched = await nextCycle(cycles, () => git("checkout", "-q", "wording"));
    expect(switched.written).toContain("mappings/time-to-journal.expr.js");
    expect(readFileSync(output("mappings", "time-to-journal.expr.js"), "utf8")).toContain('"entry "');
    const back = await nextCycle(cycles, () => git("checkout", "-q", "main"));
    expect(back.written).toContain("mappings/time-to-journal.expr.js");
    expect(readFileSync(output("mappings", "time-to-journal.expr.js"), "utf8")).not.toContain('"entry "');
  });
});
