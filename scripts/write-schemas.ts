/**
 * `npm run schemas`: prints each kind's JSON Schema into schemas/. The files are committed so an
 * editor can point at them; test/model/schemas.test.ts fails when they are stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KIND_NAMES, ProjectConfig, publishedSchema, schemaFileName } from "../src/model/index.ts";
import { projectRoot } from "../src/testing/environment.ts";

for (const kind of KIND_NAMES) {
  const file = join(projectRoot, "schemas", schemaFileName(kind));
  writeFileSync(file, `${JSON.stringify(publishedSchema(kind), null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

const configFile = join(projectRoot, "schemas", "config.schema.json");
const config = { $schema: "http://json-schema.org/draft-07/schema#", ...(JSON.parse(JSON.stringify(ProjectConfig)) as object) };
writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
process.stdout.write(`wrote ${configFile}\n`);
