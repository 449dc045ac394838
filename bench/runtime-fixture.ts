/**
 * `node --import tsx bench/runtime-fixture.ts <out>`: writes the runtime benchmark's spec set (the
 * test fixture, its time-to-revenue route ordered per time entry) and compiles it into `<out>` as
 * `spec compile` does. The benchmark runs this in a process of its own, so that the process it
 * measures holds what a service holds, the runtime and the generated modules, and not the
 * compiler, the emitter and the TypeScript compiler behind it.
 */
import { emitProgram } from "../src/compiler/emit/emit.ts";
import { writeOutput } from "../src/compiler/emit/write.ts";
import { loadProgram } from "../src/compiler/program.ts";
import { FIXTURE_FILES, writeFixture } from "../test/runtime/fixture.ts";

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write("usage: node --import tsx bench/runtime-fixture.ts <out>\n");
  process.exit(2);
}
// Ordered per time entry, as the project's time-to-revenue route in specs/ is.
const routes = FIXTURE_FILES["specs/routes.yaml"]?.replace("orderingKey: [projectId]\n  steps:\n    - { id: check", "orderingKey: [timeEntryId]\n  steps:\n    - { id: check");
if (routes === undefined || routes === FIXTURE_FILES["specs/routes.yaml"]) {
  process.stderr.write("runtime-fixture: the fixture's time-to-revenue route no longer reads as expected; update the ordering key replacement\n");
  process.exit(1);
}
const program = loadProgram({ cwd: writeFixture({ "specs/routes.yaml": routes }) });
if (!program.ok) {
  process.stderr.write(`runtime-fixture: the fixture does not compile:\n${program.diagnostics.map((d) => d.message).join("\n")}\n`);
  process.exit(1);
}
writeOutput(out, emitProgram(program));
