/**
 * Finding and reading the project file (`syncspec.yaml`), by walking up from the working
 * directory. Without one, the paths on the command line (or `specs/`) are the spec set.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CONFIG_FILE_NAME, type ProjectConfig } from "../model/index.ts";
import { createCollector, type Diagnostic } from "./diagnostics/diagnostic.ts";
import { createSourceFile } from "./diagnostics/source-file.ts";
import { DEFAULT_MAX_FILE_BYTES, decodeFile } from "./parse/decode.ts";
import { readGuardedFile, refusalDiagnostic } from "./read-file.ts";
import { parseYaml } from "./parse/yaml/parse-yaml.ts";
import { validatorFor } from "./validate/ajv.ts";
import { rewriteSchemaErrors } from "./validate/rewrite-errors.ts";

/** The resolved configuration: absolute folders and the settings that apply. */
export interface ResolvedConfig {
  /** The folder holding the project file, or the working directory without one. */
  root: string;
  /** The project file's path, when there is one. */
  file: string | undefined;
  specs: string[];
  out: string;
  /** How generated code is written: TypeScript modules (`ts`, the default) or JavaScript with declaration files (`js+dts`). */
  target: "ts" | "js+dts";
  policy: string | undefined;
  exclude: string[];
  maxFileBytes: number;
  maxDepth: number;
}

/** Walks up from `from` to the first folder holding a project file. */
export function findConfigFile(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}



/** Loads the configuration that governs `cwd`. */
export function loadConfig(cwd: string): [ResolvedConfig, Diagnostic[]] {
  const file = findConfigFile(cwd);
  const defaults: ResolvedConfig = {
    root: resolve(cwd),
    file,
    specs: [resolve(cwd, "specs")],
    out: resolve(cwd, "generated"),
    target: "ts",
    policy: undefined,
    exclude: [],
    maxFileBytes: 4 * 1024 * 1024,
    maxDepth: 64,
  };
  if (file === undefined) return [defaults, []];
  const collector = createCollector();
  const [bytes, refusal] = readGuardedFile(file, { maxBytes: DEFAULT_MAX_FILE_BYTES });
  if (bytes === undefined) return [defaults, [refusalDiagnostic(refusal, undefined, { file: createSourceFile(file, ""), start: 0, end: 0 })]];
  const [source, decodeErrors] = decodeFile(file, bytes);
  collector.addAll(decodeErrors);
  const [docs, parseErrors] = decodeErrors.length > 0 ? [[], []] : parseYaml(source);
  collector.addAll(parseErrors);
  const doc = docs[0];
  if (doc === undefined || collector.hasErrors()) return [defaults, [...collector.diagnostics]];
  const validate = validatorFor("config");
  if (!validate(doc.value)) {
    collector.addAll(rewriteSchemaErrors(validate.errors ?? [], doc));
    return [defaults, [...collector.diagnostics]];
  }
  const value = doc.value as ProjectConfig;
  const root = dirname(file);
  return [
    {
      root,
      file,
      specs: value.specs.map((p) => resolve(root, p)),
      out: resolve(root, value.out ?? "generated"),
      target: value.target ?? "ts",
      policy: value.policy,
      exclude: value.exclude ?? [],
      maxFileBytes: value.limits?.maxFileBytes ?? defaults.maxFileBytes,
      maxDepth: value.limits?.maxDepth ?? defaults.maxDepth,
    },
    [],
  ];
}
