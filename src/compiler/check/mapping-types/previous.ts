/**
 * `$previous`: what a deliver step posted for an earlier version of the record, `{ body, targetId,
 * version }`, bound in the expression of a mapping the step's correction applies and in the
 * correction's parameters. Its body has the shape of the request of the operation the step posts
 * through; a mapping that corrections of different operations apply has one `$previous` for each.
 */
import type { ShapeField } from "../shapes.ts";
import { forEachStep, type SpecSet, systemSchemaShape } from "../spec-set.ts";
import type { Binding } from "./infer.ts";

/** A deliver step whose correction applies a mapping: its route, its id and the operation it posts through. */
export interface PreviousSite {
  route: string;
  step: string;
  operation: string;
}

/** The `$previous` of the mapping's sites that post through one operation. */
export interface PreviousGroup {
  operation: string;
  sites: readonly PreviousSite[];
}

/**
 * The fields of `$previous` in a call correcting what `operation` posted: `{ body, targetId,
 * version }`, its body typed as the operation's request (open when the request is not declared).
 */
export function previousFields(set: SpecSet, operation: string): ReadonlyMap<string, ShapeField> {
  const [system = "", name = ""] = operation.split(".");
  const request = set.systems.get(system)?.value.spec.operations?.[name]?.request;
  const body = request === undefined ? undefined : systemSchemaShape(set, system, request);
  return new Map<string, ShapeField>([
    ["body", { name: "body", type: "object", required: true, ...(body?.fields !== undefined ? { fields: body.fields } : {}) }],
    ["targetId", { name: "targetId", type: "string", required: false }],
    ["version", { name: "version", type: "unknown", required: true }],
  ]);
}

/** Each deliver step whose correction applies the mapping `name`, in route and step order. */
export function previousSites(set: SpecSet, name: string): PreviousSite[] {
  const sites: PreviousSite[] = [];
  for (const route of set.routes.values()) {
    forEachStep(route, (step, _path, id) => {
      const deliver = step["deliver"] as { operation?: string; correction?: Record<string, { mapping?: string } | undefined> } | undefined;
      if (deliver?.operation === undefined) return;
      if (Object.values(deliver.correction ?? {}).some((call) => call?.mapping === name)) sites.push({ route: route.name, step: id, operation: deliver.operation });
    });
  }
  return sites;
}

/** The sites of the mapping `name` by the operation they post through, in the order first met: `$previous` is typed once for each. */
export function previousGroups(set: SpecSet, name: string): PreviousGroup[] {
  const groups = new Map<string, PreviousSite[]>();
  for (const site of previousSites(set, name)) groups.set(site.operation, [...(groups.get(site.operation) ?? []), site]);
  return [...groups].map(([operation, sites]) => ({ operation, sites }));
}

/**
 * `$previous` as a typed variable for a correction of what `operation` posted. In messages a place
 * in it reads `$previous.body (the request erp.postCostJournal posted)`, followed by the steps that
 * posted it (`at step post-cost of route time-to-revenue`) when `sites` are given.
 */
export function previousVariable(set: SpecSet, operation: string, sites: readonly PreviousSite[] = []): Binding {
  const where = sites.length === 0 ? "" : ` at ${sites.map((s) => `step ${s.step} of route ${s.route}`).join(" and ")}`;
  const posted = `${operation} posted${where}`;
  const name = (path: readonly string[]): string => {
    if (path.length === 0) return `$previous (what ${posted})`;
    const dotted = `$previous.${path.join(".")}`;
    if (path[0] !== "body") return dotted;
    return `${dotted} (${path.length === 1 ? "the request" : "in the request"} ${posted})`;
  };
  return { label: "$previous", fields: previousFields(set, operation), name, native: true };
}

/** `$previous` for the mapping `name` where the first correction applying it binds it: the operation posted through, and its fields. */
export function previousBinding(set: SpecSet, name: string): { operation: string; fields: ReadonlyMap<string, ShapeField> } | undefined {
  const [site] = previousSites(set, name);
  return site === undefined ? undefined : { operation: site.operation, fields: previousFields(set, site.operation) };
}
