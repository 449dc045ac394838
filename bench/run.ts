/**
 * `npm run bench -- <suite> [--json]`: runs bench/<suite>.bench.ts. Each suite prints what it
 * measured as it goes and, with --json, one JSON object as the last line of stdout.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [suite, ...rest] = process.argv.slice(2);
const suites = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .map((name) => name.slice(0, -".bench.ts".length))
  .sort();

if (suite === undefined || !suites.includes(suite)) {
  process.stderr.write(`usage: npm run bench -- <suite> [--json]\nsuites: ${suites.join(", ")}\n`);
  process.exit(2);
}
const file = join(here, `${suite}.bench.ts`);
if (!existsSync(file)) process.exit(2);
const module: { run(options: { json: boolean; args: string[] }): Promise<Record<string, unknown>> } =
  await import(pathToFileURL(file).href);
const result = await module.run({ json: rest.includes("--json"), args: rest.filter((a) => a !== "--json") });
if (rest.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
