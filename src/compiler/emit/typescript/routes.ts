/**
 * Per route: `routes/<name>.ts` exporting the lowered `PipelineDefinition` the runtime executes,
 * printed as it is. Each JSONata expression the lowering left (a condition, a classify rule, a
 * path parameter) is compiled into its own `<name>.<where>.expr.js`, named after the step and the
 * place in it (`time-to-revenue.queue-charge-params-subscription-id.expr.js`), never by position;
 * validators and mapping transforms are imported from their modules.
 */
import { LOWERED, type LoweredPipeline, type LoweredRef, replaceRefs } from "../../../pipeline/lowered.ts";
import { EXPRESSION_DECLARATIONS, expressionModule } from "./expressions.ts";
import { constStatement, type EmitValue, headerLine, kebabName, pascalName, ref, writeNamespaceImport } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";

interface RouteContext {
  route: string;
  plan: EmitPlan;
  file: string;
  specPath: string;
  project: EmitProject;
  files: EmittedFile[];
  /** Module path to alias, in order of first use. */
  imports: Map<string, string>;
  /** Expression file bases already taken in this route, lower-cased. */
  taken: Set<string>;
}

function importOf(cx: RouteContext, alias: string, path: string): string {
  const known = cx.imports.get(path);
  if (known !== undefined) return known;
  cx.imports.set(path, alias);
  return alias;
}

/** The base of an expression's file, from where it stands in the route; unique within the route. */
function expressionBase(cx: RouteContext, at: string): string {
  const base = kebabName(at);
  let name = base;
  for (let n = 2; cx.taken.has(name); n++) name = `${base}-${n}`;
  cx.taken.add(name);
  return name;
}

function printRef(cx: RouteContext, lowered: LoweredRef): EmitValue {
  switch (lowered[LOWERED]) {
    case "expression": {
      const base = expressionBase(cx, lowered.at);
      const module = `${cx.file}.${base}.expr`;
      const alias = importOf(cx, `expr${pascalName(base)}`, `./${module}.js`);
      cx.files.push({ path: `routes/${module}.js`, text: expressionModule(lowered.source, headerLine(cx.specPath)) });
      cx.files.push(cx.project.structure(`routes/${module}.d.ts`, cx.specPath, { statements: EXPRESSION_DECLARATIONS }));
      return { name: lowered.name, evaluate: ref(`${alias}.evaluate`) };
    }
    case "mapping": {
      const planned = cx.plan.mappings.get(lowered.mapping);
      if (planned === undefined) throw new Error(`route ${cx.route}: no mapping ${lowered.mapping}`);
      return ref(`${importOf(cx, `mapping${pascalName(planned.file)}`, `../mappings/${planned.file}.ts`)}.transform`);
    }
    case "entity": {
      const planned = cx.plan.entities.get(lowered.entity);
      if (planned === undefined) throw new Error(`route ${cx.route}: no entity ${lowered.entity}`);
      return ref(`${importOf(cx, `entity${pascalName(planned.file)}`, `../entities/${planned.file}.ts`)}.validate`);
    }
    case "schema":
      throw new Error(`route ${cx.route}: a schema validator has no place in a pipeline`);
  }
}

/** Emits the files of one lowered route. */
export function routeFiles(project: EmitProject, plan: EmitPlan, pipeline: LoweredPipeline): EmittedFile[] {
  const planned = plan.routes.get(pipeline.route);
  if (planned === undefined) throw new Error(`route ${pipeline.route} is not planned`);
  const cx: RouteContext = { route: pipeline.route, plan, file: planned.file, specPath: planned.specPath, project, files: [], imports: new Map(), taken: new Set() };
  const value = replaceRefs(pipeline, (lowered) => printRef(cx, lowered)) as EmitValue;
  const module = project.written(`routes/${planned.file}.ts`, planned.specPath, (writer) => {
    writeNamespaceImport(writer, "rt", "syncspec/runtime", true);
    for (const [path, alias] of cx.imports) writeNamespaceImport(writer, alias, path);
    writer.blankLine();
    constStatement("pipeline", "rt.PipelineDefinition", value, "The route as the runtime executes it.")(writer);
    writer.newLine();
  });
  return [module, ...cx.files];
}
