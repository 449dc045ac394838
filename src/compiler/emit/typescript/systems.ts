/**
 * Per system: `systems/<name>.ts` with a type per native schema, the `SystemDefinition` the
 * runtime hosts (auth, quotas, timeouts, idempotency, by reference; no URL or secret baked in),
 * and a typed adapter: one async function per operation over the runtime's delivery layer.
 * Request and payload validators are precompiled into `<name>.validators.js`.
 */
import type { StatementStructures, WriterFunction } from "ts-morph";
import type { JsonSchema } from "../../../model/index.ts";
import { LOWERED, type LoweredSystem, replaceRefs } from "../../../pipeline/lowered.ts";
import type { BoundDocument } from "../../check/spec-set.ts";
import { commentText, constStatement, type EmitValue, headerLine, pascalName, propertyKey, ref, typeKey, valueWriter } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import { type EmitProject, type EmittedFile, tsMorph } from "./source.ts";
import { schemaMembers, schemaType, type TypeNeeds } from "./types.ts";
import { schemaValidatorModule, validatorDeclarations } from "./validators.ts";

const TAKEN = new Set(["Adapter", "AdapterOperations"]);

function docs(text: unknown): string[] {
  return typeof text === "string" && commentText(text) !== "" ? [commentText(text)] : [];
}

const typeNamesOf = new WeakMap<object, ReadonlyMap<string, string>>();

/**
 * Type names for the system's schemas, unique within the file. Every mapping from or to the system
 * asks again, so the names are kept per schemas object (a loaded spec is never changed).
 */
export function schemaTypeNames(schemas: Readonly<Record<string, JsonSchema>>): ReadonlyMap<string, string> {
  const known = typeNamesOf.get(schemas);
  if (known !== undefined) return known;
  const used = new Set(TAKEN);
  const out = new Map<string, string>();
  for (const name of Object.keys(schemas).sort()) {
    let typeName = pascalName(name);
    for (let n = 2; used.has(typeName); n++) typeName = `${pascalName(name)}${n}`;
    used.add(typeName);
    out.set(name, typeName);
  }
  typeNamesOf.set(schemas, out);
  return out;
}

function pathParams(path: string): string[] {
  return [...new Set([...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string))];
}

/** The lowered system as a value, each validator reference printed as its wrapped export. */
function definitionValue(system: LoweredSystem, validators: ReadonlyMap<string, string>): EmitValue {
  return replaceRefs(system, (lowered) => {
    const name = lowered[LOWERED] === "schema" ? validators.get(lowered.schema) : undefined;
    if (name === undefined) throw new Error(`system ${system.name}: no validator for a ${lowered[LOWERED]} reference`);
    return ref(name);
  }) as EmitValue;
}

/** The schemas the lowered system validates (operation requests, event payloads), sorted. */
function validatedSchemas(system: LoweredSystem): string[] {
  const out = new Set<string>();
  for (const op of Object.values(system.operations)) if (op.requestValidator?.[LOWERED] === "schema") out.add(op.requestValidator.schema);
  for (const event of Object.values(system.events)) if (event.payloadValidator?.[LOWERED] === "schema") out.add(event.payloadValidator.schema);
  return [...out].sort();
}

/** Emits the files of one system. */
export function systemFiles(project: EmitProject, plan: EmitPlan, system: BoundDocument<"System">, lowered: LoweredSystem): EmittedFile[] {
  const planned = plan.systems.get(system.name);
  if (planned === undefined) throw new Error(`system ${system.name} is not planned`);
  const { file, specPath } = planned;
  const { StructureKind, VariableDeclarationKind } = tsMorph();
  const spec = system.value.spec;
  const schemas = (spec.schemas ?? {}) as Record<string, JsonSchema>;
  const typeNames = schemaTypeNames(schemas);
  const needs: TypeNeeds = { brands: new Set() };
  const named = (schema: string) => typeNames.get(schema);

  // Validators for the schemas operations send and events deliver, one export per schema, named
  // after the schema's type.
  const validatorNames = new Map<string, string>();
  for (const schema of validatedSchemas(lowered)) validatorNames.set(schema, `check${typeNames.get(schema) ?? pascalName(schema)}`);
  const wrapped = new Map([...validatorNames].map(([schema, check]) => [schema, `validate${check.slice("check".length)}`]));

  const statements: (StatementStructures | WriterFunction)[] = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "syncspec/runtime", namespaceImport: "rt" },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: "../support.ts", namespaceImport: "support" },
  ];
  if (validatorNames.size > 0) {
    statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: `./${file}.validators.js`, namespaceImport: "checks" });
  }
  for (const [schemaName, typeName] of typeNames) {
    const schema = schemas[schemaName] as JsonSchema;
    const isObject = schema.$ref === undefined && schema.properties !== undefined && typeof schema.properties === "object" && schema.type !== "array";
    if (isObject) {
      statements.push({
        kind: StructureKind.Interface,
        isExported: true,
        name: typeName,
        docs: docs(schema.description),
        properties: schemaMembers(schema, named, needs).map((m) => ({
          name: typeKey(m.name),
          type: m.type,
          hasQuestionToken: m.optional,
          docs: docs(m.description),
        })),
      });
    } else {
      statements.push({ kind: StructureKind.TypeAlias, isExported: true, name: typeName, docs: docs(schema.description), type: schemaType(schema, named, needs) });
    }
  }
  for (const [schema, check] of validatorNames) {
    statements.push({
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: wrapped.get(schema) as string, type: "rt.Validator", initializer: `support.fromAjv(checks.${check})` }],
    });
  }
  statements.push(
    constStatement(
      "system",
      "rt.SystemDefinition",
      definitionValue(lowered, wrapped),
      "The system as the runtime hosts it. Base URL and credentials are references resolved at start-up.",
    ),
  );

  const operations = Object.entries(spec.operations ?? {});
  const bodyType = (schema: string | undefined) => (schema === undefined ? undefined : (named(schema) ?? "unknown"));
  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "Adapter",
    docs: ["Typed calls of the system's operations over the runtime's delivery layer."],
    properties: operations.map(([opName, op]) => {
      const params = pathParams(op.path).map((p) => `${typeKey(p)}: string`);
      const body = op.method === "GET" || op.method === "DELETE" ? undefined : bodyType(op.request);
      const args = [`params: ${params.length === 0 ? "Record<string, never>" : `{ ${params.join("; ")} }`}`, ...(body === undefined ? [] : [`body: ${body}`]), "options?: support.CallOptions"];
      return {
        name: typeKey(opName),
        docs: docs(op.description),
        type: `(${args.join(", ")}) => Promise<${bodyType(op.response) ?? "unknown"}>`,
      };
    }),
  });
  statements.push({
    kind: StructureKind.Function,
    isExported: true,
    name: "createAdapter",
    docs: ["The adapter over `delivery`: each call carries the operation's idempotency mechanism, auth, quotas and timeouts."],
    parameters: [{ name: "delivery", type: "support.Delivery" }],
    returnType: "Adapter",
    statements: (writer) => {
      writer.write("const call = (name: string, params: Readonly<Record<string, string>>, body: unknown, options: support.CallOptions | undefined) =>").indent(() => {
        writer.writeLine("delivery.send({");
        writer.indent(() => {
          writer.writeLine("system,");
          writer.writeLine("operation: system.operations[name] as rt.OperationDefinition,");
          writer.writeLine("params,");
          writer.writeLine("body,");
          writer.writeLine("...(options?.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),");
        });
        writer.writeLine("});");
      });
      writer.write("return {").newLine();
      writer.indent(() => {
        for (const [opName, op] of operations) {
          const hasBody = !(op.method === "GET" || op.method === "DELETE") && op.request !== undefined;
          const result = bodyType(op.response) ?? "unknown";
          const literal = valueWriter(opName);
          writer.write(`${propertyKey(opName)}: `);
          writer.write(hasBody ? "(params, body, options) => " : "(params, options) => ");
          writer.write(`call(`);
          literal(writer);
          writer.write(`, params, ${hasBody ? "body" : "undefined"}, options) as Promise<${result}>,`).newLine();
        }
      });
      writer.write("};");
    },
  });

  const files: EmittedFile[] = [project.structure(`systems/${file}.ts`, specPath, { statements })];
  if (validatorNames.size > 0) {
    const entries = [...validatorNames].map(([schema, name]) => ({ name, schema }));
    files.push({ path: `systems/${file}.validators.js`, text: schemaValidatorModule(schemas, entries, headerLine(specPath)) });
    files.push(project.structure(`systems/${file}.validators.d.ts`, specPath, { statements: validatorDeclarations([...validatorNames.values()]) }));
  }
  return files;
}
