/**
 * `spec data load|seed|list|show|diff`: an entity's reference data in a store. `load` reads a JSON
 * or CSV file (the entity's seed file when none is given), checks every record against the entity
 * in the spec set and loads them all as the entity's next version, or none (each problem printed
 * with its file and line or row, exit 1). `seed` loads the seed file of every entity that names one
 * and has no version yet, as a deployment does once.
 */
import { dirname, resolve } from "node:path";
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { loadProgram } from "../compiler/program.ts";
import { MAX_REFERENCED_FILE_BYTES, readGuardedFile } from "../compiler/read-file.ts";
import { entityJsonSchema } from "../pipeline/entity-schema.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { loadRunConfig, openStore } from "../runtime/run-config.ts";
import { diffRows } from "../runtime/state/diff.ts";
import { loadReferenceData } from "../runtime/state/load.ts";
import { describeProblem } from "../runtime/state/reference-file.ts";
import { type ReferenceEntity, referenceEntity } from "../runtime/state/reference-rows.ts";
import type { Store } from "../runtime/store/store.ts";
import { compileValidator } from "../runtime/validators.ts";
import { type Command, expectAction, parseCommandArgs } from "./command.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat, storeOption } from "./shared-options.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

const USAGE =
  "spec data load <Entity> [<file.json|file.csv>] | seed | list [<Entity>] | show <Entity> [--version n] | diff <Entity> <from> [<to>] [--specs dir|file] [--by who] [--store url|--config file] [--format text|json]";

const ACTIONS = ["load", "seed", "list", "show", "diff"] as const;

type Values = { store?: string | undefined; config?: string | undefined; specs?: string | undefined; by?: string | undefined; version?: string | undefined; format?: string | undefined };

/** An entity of the spec set as loading needs it, and the seed file it names (resolved), if any. */
interface Loadable {
  entity: ReferenceEntity;
  /** The seed file, read only inside the project (`root`), as every file a spec names is. */
  seed: { shown: string; path: string; root: string } | undefined;
}

/** The spec set's entities by name, or the exit code after printing why it did not load. */
function specEntities(io: CliIo, specs: string | undefined): Map<string, Loadable> | number {
  const program = loadProgram({ cwd: io.cwd, paths: specs === undefined ? [] : [specs] });
  if (!program.ok) {
    printDiagnostics(io, program.diagnostics, "stylish");
    return EXIT.findings;
  }
  const out = new Map<string, Loadable>();
  for (const [name, doc] of program.set.entities) {
    const schema = entityJsonSchema(doc.value.spec);
    const seed = doc.value.spec.seed;
    out.set(name, {
      entity: referenceEntity(name, doc.value.spec.identity, schema, compileValidator(schema)),
      seed: seed === undefined ? undefined : { shown: seed, path: resolve(dirname(doc.source.file.path), seed), root: program.config.root },
    });
  }
  return out;
}

/** The entity named `name`, or the exit code after naming the closest one. */
function entityNamed(io: CliIo, entities: ReadonlyMap<string, Loadable>, name: string): Loadable | number {
  const found = entities.get(name);
  if (found !== undefined) return found;
  const close = suggest(name, [...entities.keys()]);
  io.stderr(`spec data: the spec set has no entity ${name}${close === undefined ? "" : `; did you mean ${close}?`}\n`);
  return EXIT.findings;
}

function versionNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`${flag} must be a version number (1, 2, ...), got '${text}'`);
  return Number(text);
}

/** Loads one file as the entity's next version; prints each problem, located, when nothing loads. */
async function loadFile(io: CliIo, store: Store, entity: ReferenceEntity, file: { shown: string; path: string; root?: string }, values: Values): Promise<number> {
  const [bytes, refusal] = readGuardedFile(file.path, { maxBytes: MAX_REFERENCED_FILE_BYTES, ...(file.root === undefined ? {} : { root: file.root }) });
  if (bytes === undefined) {
    io.stderr(`spec data: cannot read ${file.shown}: ${refusal.reason}\n`);
    return EXIT.findings;
  }
  const result = await loadReferenceData(store, entity, { file: file.shown, bytes }, { now: Date.now(), actor: values.by ?? io.env["USER"] ?? "unknown" });
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(`${describeProblem(problem)}\n`);
    io.stderr(`spec data: nothing loaded: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} in ${file.shown}\n`);
    return EXIT.findings;
  }
  const n = result.version.rows;
  io.stdout(`loaded ${n} ${entity.name} record${n === 1 ? "" : "s"} from ${file.shown} as version ${result.version.version}\n`);
  return EXIT.ok;
}

/** `load <Entity> [file]`: the file given, else the entity's seed file. */
async function load(io: CliIo, store: Store, name: string, file: string | undefined, values: Values): Promise<number> {
  const entities = specEntities(io, values.specs);
  if (typeof entities === "number") return entities;
  const found = entityNamed(io, entities, name);
  if (typeof found === "number") return found;
  if (file !== undefined) return loadFile(io, store, found.entity, { shown: file, path: resolve(io.cwd, file) }, values);
  if (found.seed === undefined) throw new UsageError(`spec data load ${name} needs a file: the entity names no seed file`);
  return loadFile(io, store, found.entity, found.seed, values);
}

/** `seed`: every entity's seed file, for the entities that have no version loaded yet. */
async function seed(io: CliIo, store: Store, values: Values): Promise<number> {
  const entities = specEntities(io, values.specs);
  if (typeof entities === "number") return entities;
  const loaded = new Set((await store.dataVersions()).map((v) => v.entity));
  let code: number = EXIT.ok;
  for (const { entity, seed: file } of entities.values()) {
    if (file === undefined) continue;
    if (loaded.has(entity.name)) {
      io.stdout(`${entity.name} already has reference data; its seed ${file.shown} is not loaded again\n`);
      continue;
    }
    code = Math.max(code, await loadFile(io, store, entity, file, values));
  }
  return code;
}

async function list(io: CliIo, store: Store, entity: string | undefined, json: boolean): Promise<number> {
  const versions = await store.dataVersions(entity);
  if (json) io.stdout(jsonOutput({ versions }, { versions: versions.length }));
  else if (versions.length === 0) io.stdout(entity === undefined ? "no reference data loaded\n" : `no ${entity} reference data loaded\n`);
  else for (const v of versions) io.stdout(`${v.entity}  v${v.version}  ${v.rows} rows  ${new Date(v.loadedAt).toISOString()}  ${v.loadedBy}  ${v.source}\n`);
  return EXIT.ok;
}

async function show(io: CliIo, store: Store, entity: string, version: number | undefined, json: boolean): Promise<number> {
  const rows = await store.dataRows(entity, version);
  if (json) io.stdout(jsonOutput({ entity, rows }, { rows: rows.length }));
  else for (const r of rows) io.stdout(`${r.key}${r.validFrom === null ? "" : `  from ${r.validFrom}`}${r.validTo === null ? "" : ` to ${r.validTo}`}  ${JSON.stringify(r.value)}\n`);
  return EXIT.ok;
}

async function diff(io: CliIo, store: Store, entity: string, from: number, to: number | undefined): Promise<number> {
  const changes = diffRows(await store.dataRows(entity, from), await store.dataRows(entity, to));
  for (const c of changes) {
    const at = `${c.key}${c.validFrom === null ? "" : ` from ${c.validFrom}`}`;
    if (c.change === "added") io.stdout(`+ ${at}  ${JSON.stringify(c.after)}\n`);
    else if (c.change === "removed") io.stdout(`- ${at}  ${JSON.stringify(c.before)}\n`);
    else io.stdout(`~ ${at}  ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}\n`);
  }
  io.stdout(`${changes.length} change${changes.length === 1 ? "" : "s"}\n`);
  return EXIT.ok;
}

export const dataCommand: Command = {
  name: "data",
  summary: "Load, list, show and compare reference data versions in a store",
  usage: USAGE,
  actions: ACTIONS,
  examples: ["spec data load RateCard rate-cards.csv", "spec data diff RateCard 1 2"],
  options: [
    {
      name: "specs",
      value: "dir|file",
      description: "The spec set whose entity checks the records",
      default: "the specs of the project file (syncspec.yaml)",
      examples: ["spec data load FxRate fx-rates.json --specs specs", "spec data load Person people.csv --specs specs/entities/person.yaml"],
    },
    {
      name: "by",
      value: "who",
      description: "Who loads the data, as the version list and the audit log record it",
      default: "$USER",
      examples: ["spec data load FxRate fx-rates.json --by treasury", "spec data load CostRate cost-rates.csv --by finance-ops"],
    },
    {
      name: "version",
      value: "n",
      description: "The version to show instead of the current one",
      default: "the current version",
      examples: ["spec data show RateCard --version 1", "spec data show FxRate --version 3 --format json"],
    },
    { ...storeOption("spec data list"), description: "The store to open: sqlite:<file> or postgres://...; spec data load creates it when missing" },
    configOption("spec data list"),
    reportFormat("spec data list"),
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      store: { type: "string" },
      config: { type: "string" },
      specs: { type: "string" },
      by: { type: "string" },
      version: { type: "string" },
      format: { type: "string" },
    });
    const [action, entity, ...rest] = positionals;
    expectAction(action, ACTIONS);
    if (action !== "list" && action !== "seed" && entity === undefined) throw new UsageError(`spec data ${action} needs an entity name`);
    const json = values.format === "json";
    if (values.format !== undefined && values.format !== "json" && values.format !== "text") throw new UsageError(`unknown format '${values.format}'; use text or json`);
    const fromVersion = action === "diff" ? versionNumber("<from-version>", rest[0] ?? "") : undefined;
    const toVersion = action === "diff" ? versionNumber("<to-version>", rest[1]) : versionNumber("--version", values.version);
    let store: Store;
    try {
      const config = loadRunConfig(io.cwd, values.config);
      store = await openStore(values.store ?? config.store, config.root, { oneShot: true, existing: action !== "load" && action !== "seed" });
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      io.stderr(`spec data: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      if (action === "load") return await load(io, store, entity as string, rest[0], values);
      if (action === "seed") return await seed(io, store, values);
      if (action === "list") return await list(io, store, entity, json);
      if (action === "show") return await show(io, store, entity as string, toVersion, json);
      return await diff(io, store, entity as string, fromVersion as number, toVersion);
    } finally {
      await store.close();
    }
  },
};
