/**
 * `npm run schemas`: prints each kind's JSON Schema (and the project file's) into schemas/.
 * The files are committed: editors point at them and the compiler validates with them;
 * test/model/schemas.test.ts fails when they are stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SCHEMAS_DIR, schemaFileName } from "../src/model/constants.ts";
import { publishedSchemas } from "../src/model/kinds.ts";
import { standaloneValidatorsSource } from "../src/model/standalone-validators.ts";

for (const { kind, schema } of publishedSchemas()) {
  const file = fileURLToPath(new URL(schemaFileName(kind), SCHEMAS_DIR));
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

const validators = fileURLToPath(new URL("../src/compiler/validate/schema-validators.generated.js", import.meta.url));
writeFileSync(validators, standaloneValidatorsSource());
process.stdout.write(`wrote ${validators}\n`);
