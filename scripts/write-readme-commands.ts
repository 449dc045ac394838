/**
 * `npm run readme-commands`: rewrites the command table of README.md from the commands'
 * descriptions. test/cli/help.test.ts fails when the committed table is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadCommands } from "../src/cli/commands.ts";
import { README_MARKERS, withReadmeTable } from "../src/cli/help.ts";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const next = withReadmeTable(readFileSync(readmePath, "utf8"), await loadCommands());
if (next === undefined) {
  process.stderr.write(`README.md has no ${README_MARKERS.start} ... ${README_MARKERS.end} section\n`);
  process.exit(2);
}
writeFileSync(readmePath, next);
process.stdout.write(`wrote the command table of ${readmePath}\n`);
