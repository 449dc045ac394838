/**
 * `spec import openapi <file> --system <name> [--role <role>] [--team <team>] [--operations id,...] [--out <file>]`:
 * prints (or writes) a System spec imported from a vendor's OpenAPI document.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { findConfigFile } from "../compiler/config.ts";
import { diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { formatStylish } from "../compiler/diagnostics/printers/stylish.ts";
import { importOpenApi } from "../compiler/import/import-openapi.ts";
import { readOpenApiDocument } from "../compiler/import/openapi-document.ts";
import { printSystemYaml, schemaReference } from "../compiler/import/system-yaml.ts";
import type { SystemSpec } from "../model/system.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError, useColor } from "./io.ts";

const ROLES: readonly SystemSpec["role"][] = ["psa", "erp", "billing", "crm", "tax", "hris", "payments", "other"];
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,79}$/;
const TEAM = /^[a-z][a-z0-9-]*$/;

function systemSchemaFile(from: string): string | undefined {
  const config = findConfigFile(from);
  if (config === undefined) return undefined;
  const schema = join(dirname(config), "schemas", "system.schema.json");
  return existsSync(schema) ? schema : undefined;
}

function fail(io: CliIo, reason: string): number {
  io.stderr(formatStylish([diagnostic("file-unreadable", { reason }, undefined)], { color: useColor(io), cwd: io.cwd }));
  return EXIT.findings;
}

export const importCommand: Command = {
  name: "import",
  summary: "Import a System spec from a vendor's OpenAPI 3.0 or 3.1 document",
  usage: "spec import openapi <file> --system <name> [--role psa|erp|billing|...] [--team <team>] [--operations id,...] [--out <file>]",
  actions: ["openapi"],
  options: [
    {
      name: "system",
      value: "name",
      description: "The name of the System spec to write (required)",
      examples: ["spec import openapi vendor/xero_accounting.yaml --system erp", "spec import openapi vendor/chargebee.yaml --system billing --role billing"],
    },
    {
      name: "role",
      value: "role",
      description: "The system's role",
      values: ROLES,
      examples: ["spec import openapi vendor/xero-projects.yaml --system psa --role psa", "spec import openapi vendor/xero_accounting.yaml --system erp --role erp"],
    },
    {
      name: "team",
      value: "team",
      description: "The owning team written into metadata.team (kebab-case)",
      examples: ["spec import openapi vendor/xero_accounting.yaml --system erp --team finance-systems", "spec import openapi vendor/chargebee.yaml --system billing --team billing-ops"],
    },
    {
      name: "operations",
      value: "id,...",
      description: "Import only these operationIds, comma-separated",
      default: "every operation",
      examples: ["spec import openapi vendor/xero_accounting.yaml --system erp --operations createManualJournal,getContacts", "spec import openapi vendor/chargebee.yaml --system billing --operations create_a_customer"],
    },
    {
      name: "out",
      value: "file",
      description: "The file to write the System spec to",
      default: "standard output",
      examples: ["spec import openapi vendor/xero_accounting.yaml --system erp --out specs/systems/erp.yaml", "spec import openapi vendor/xero-projects.yaml --system psa --out specs/psa.yaml"],
    },
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      system: { type: "string" },
      role: { type: "string" },
      team: { type: "string" },
      operations: { type: "string" },
      out: { type: "string" },
    });
    const [format, file, ...extra] = positionals;
    if (format !== "openapi") throw new UsageError(format === undefined ? "name the format to import: openapi" : `unknown import format '${format}'; use openapi`);
    if (file === undefined) throw new UsageError("name the OpenAPI document to import");
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const system = values.system;
    if (system === undefined) throw new UsageError("name the system with --system <name>");
    if (!NAME.test(system)) throw new UsageError(`--system '${system}' is not a name: a letter, then letters, digits, '-' or '_'`);
    const role = values.role as SystemSpec["role"] | undefined;
    if (role !== undefined && !ROLES.includes(role)) throw new UsageError(`unknown role '${role}'; use one of ${ROLES.join(", ")}`);
    if (values.team !== undefined && !TEAM.test(values.team)) throw new UsageError(`--team '${values.team}' must be kebab-case, for example finance-ops`);
    const operations = values.operations
      ?.split(",")
      .map((id) => id.trim())
      .filter((id) => id !== "");
    if (operations !== undefined && operations.length === 0) throw new UsageError("--operations names no operationId");

    const path = resolve(io.cwd, file);
    const [document, reason] = readOpenApiDocument(path);
    if (document === undefined) return fail(io, `${file}: ${reason}`);
    const result = importOpenApi(document, {
      system,
      ...(role === undefined ? {} : { role }),
      ...(values.team === undefined ? {} : { team: values.team }),
      ...(operations === undefined ? {} : { operations }),
    });
    if (result.unknown.length > 0) {
      const diagnostics = result.unknown.map((u) =>
        diagnostic(
          "unknown-reference",
          { what: "operationId", name: u.id, scope: file, ...(u.suggestion === undefined ? {} : { suggestion: u.suggestion }) },
          undefined,
        ),
      );
      io.stderr(formatStylish(diagnostics, { color: useColor(io), cwd: io.cwd }));
      return EXIT.findings;
    }
    const out = values.out === undefined ? undefined : resolve(io.cwd, values.out);
    const target = out ?? join(io.cwd, `${system}.yaml`);
    const source = relative(dirname(target), path).split("\\").join("/");
    const text = printSystemYaml(result.document, result.notes, { schema: schemaReference(target, systemSchemaFile(dirname(target))), source });
    if (out === undefined) {
      io.stdout(text);
      return EXIT.ok;
    }
    try {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
    } catch (error) {
      return fail(io, `cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const spec = result.document.spec;
    const events = Object.keys(spec.events ?? {}).length;
    const counts = `${Object.keys(spec.operations ?? {}).length} operations, ${events > 0 ? `${events} events, ` : ""}${Object.keys(spec.schemas ?? {}).length} schemas`;
    const notes = result.notes.length > 0 ? `; ${result.notes.length} things to declare or check (see the comments at its top)` : "";
    io.stderr(`wrote ${relative(io.cwd, out) || out}: ${counts}${notes}\n`);
    return EXIT.ok;
  },
};
