/** Options several commands share, described once so every command says the same about them. */
import type { OptionHelp } from "./command.ts";
import { DIAGNOSTIC_FORMATS } from "./print-diagnostics.ts";

/** The formats of commands that print diagnostics. */
export function diagnosticFormat(command: string): OptionHelp {
  return {
    name: "format",
    value: "format",
    description: "How to print the findings: for people (stylish) or for CI and tools (json, sarif, junit, github)",
    values: DIAGNOSTIC_FORMATS,
    default: "stylish",
    examples: [`spec ${command} --format json | jq .summary`, `spec ${command} --format sarif > ${command}.sarif`],
  };
}

/** The formats of commands that report to operators. */
export function reportFormat(example: string, values: readonly string[] = ["text", "json"]): OptionHelp {
  return {
    name: "format",
    value: "format",
    description: "Text for people, or one JSON object with a summary for scripts",
    values,
    default: "text",
    examples: [`${example} --format json`, `${example} --format text`],
  };
}

/** `--store`: which store an operator command opens. */
export function storeOption(example: string): OptionHelp {
  return {
    name: "store",
    value: "url",
    description: "The store to open: sqlite:<file> or postgres://...; it must already exist",
    default: "the store of the run configuration (syncspec.run.yaml)",
    examples: [`${example} --store sqlite:syncspec.db`, `${example} --store postgres://sync@db.internal/sync`],
  };
}

/** `--config`: the run configuration an operator command reads. */
export function configOption(example: string): OptionHelp {
  return {
    name: "config",
    value: "file",
    description: "The run configuration naming the store, systems and worker settings",
    default: "syncspec.run.yaml, found by walking up from the current folder",
    examples: [`${example} --config syncspec.run.yaml`, `${example} --config deploy/staging.run.yaml`],
  };
}

/** `--no-rule-modules`: lint or compile a spec set whose code is not trusted. */
export function noRuleModules(command: string): OptionHelp {
  return {
    name: "no-rule-modules",
    description: "Do not run the Policy's rule modules (for a pull request's untrusted specs); each is reported as skipped",
    examples: [`spec ${command} --no-rule-modules`, `spec ${command} specs --no-rule-modules --format json`],
  };
}
