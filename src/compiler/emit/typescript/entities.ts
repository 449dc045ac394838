/**
 * Per entity: `entities/<name>.ts` with the record's interface (enums as unions, money, decimals
 * and dates as branded strings, descriptions as doc comments) and its precompiled validator, whose
 * ajv code lives beside it in `<name>.validator.js`.
 */
import { StructureKind, VariableDeclarationKind } from "ts-morph";
import type { BoundDocument } from "../../check/spec-set.ts";
import { entityJsonSchema } from "../../../runtime/validators.ts";
import { commentText, headerLine, typeKey } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";
import { fieldType, type TypeNeeds } from "./types.ts";
import { validatorDeclarations, validatorModule } from "./validators.ts";

function docs(text: string | undefined): string[] {
  return text === undefined || commentText(text) === "" ? [] : [commentText(text)];
}

/** Emits the files of one entity. */
export function entityFiles(project: EmitProject, plan: EmitPlan, entity: BoundDocument<"Entity">): EmittedFile[] {
  const planned = plan.entities.get(entity.name);
  if (planned === undefined) throw new Error(`entity ${entity.name} is not planned`);
  const { file, specPath, typeName } = planned;
  const needs: TypeNeeds = { brands: new Set() };
  const properties = Object.entries(entity.value.spec.fields).map(([name, field]) => ({
    name: typeKey(name),
    type: fieldType(field, needs),
    hasQuestionToken: field.required !== true,
    docs: docs(field.description),
  }));
  const validator = validatorModule([{ name: "validate", schema: entityJsonSchema(entity.value.spec) }], headerLine(specPath));
  const module = project.structure(`entities/${file}.ts`, specPath, {
    statements: [
      { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "syncspec/runtime", namespaceImport: "rt" },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: "../support.ts", namespaceImport: "support" },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: `./${file}.validator.js`, namedImports: [{ name: "validate", alias: "check" }] },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: typeName,
        docs: docs(entity.value.metadata.description),
        properties,
      },
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["Checks a value against the entity's fields (precompiled; no schema is compiled at run time)."],
        declarations: [{ name: "validate", type: "rt.Validator", initializer: "support.fromAjv(check)" }],
      },
    ],
  });
  return [
    module,
    { path: `entities/${file}.validator.js`, text: validator },
    project.structure(`entities/${file}.validator.d.ts`, specPath, { statements: validatorDeclarations(["validate"]) }),
  ];
}
