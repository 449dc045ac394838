/**
 * Per entity: `entities/<name>.ts` with the record's interface (enums as unions, money, decimals
 * and dates as branded strings, descriptions as doc comments) and its precompiled validator, whose
 * ajv code lives beside it in `<name>.validator.js`.
 */
import type { BoundDocument } from "../../check/spec-set.ts";
import type { EntityValidatorRef } from "../../../pipeline/lowered.ts";
import { headerLine, stringLiteral, typeKey, writeDoc, writeInterface, writeNamespaceImport } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";
import { fieldType, type TypeNeeds } from "./types.ts";
import { validatorDeclarations, validatorModule } from "./validators.ts";

/** Emits the files of one entity. */
export function entityFiles(project: EmitProject, plan: EmitPlan, entity: BoundDocument<"Entity">, lowered: EntityValidatorRef): EmittedFile[] {
  const planned = plan.entities.get(entity.name);
  if (planned === undefined) throw new Error(`entity ${entity.name} is not planned`);
  const { file, specPath, typeName } = planned;
  const needs: TypeNeeds = { brands: new Set() };
  const members = Object.entries(entity.value.spec.fields).map(([name, field]) => ({
    key: typeKey(name),
    type: fieldType(field, needs),
    optional: field.required !== true,
    doc: field.description,
  }));
  const validator = validatorModule([{ name: "validate", schema: lowered.schema }], headerLine(specPath));
  const module = project.written(`entities/${file}.ts`, specPath, (writer) => {
    writeNamespaceImport(writer, "rt", "syncspec/runtime", true);
    writeNamespaceImport(writer, "support", "../support.ts");
    writer.writeLine(`import { validate as check } from ${stringLiteral(`./${file}.validator.js`)};`);
    writer.blankLine();
    writeInterface(writer, typeName, entity.value.metadata.description, members);
    writer.blankLine();
    writeDoc(writer, "Checks a value against the entity's fields (precompiled; no schema is compiled at run time).");
    writer.writeLine("export const validate: rt.Validator = support.fromAjv(check);");
  });
  return [
    module,
    { path: `entities/${file}.validator.js`, text: validator },
    project.structure(`entities/${file}.validator.d.ts`, specPath, { statements: validatorDeclarations(["validate"]) }),
  ];
}
