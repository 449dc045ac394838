/** Printing a properties report: text for people, JSON for machines. */
import type { PropertiesReport, PropertyResult, RouteResult } from "./check.ts";

/** How the check was asked for, to print a command that replays a counterexample. */
export interface ReplayContext {
  paths: readonly string[];
}

const STATUS = { held: "pass", failed: "FAIL", "not-applicable": "skip" } as const;

function indentJson(value: unknown): string {
  return JSON.stringify(value);
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function propertyLines(route: RouteResult, p: PropertyResult, context: ReplayContext): string[] {
  const lines = [`  ${STATUS[p.status]}  ${p.law.padEnd(14)}  ${p.states}`];
  if (p.status === "not-applicable" && p.note !== undefined) lines.push(`        not applicable: ${p.note}`);
  if (p.status === "failed" && p.note !== undefined) lines.push(`        ${p.note}`);
  const c = p.counterexample;
  if (c === undefined) return lines;
  lines.push(`        ${c.reason}`);
  lines.push(`        counterexample (after ${p.runs} run(s) and ${c.shrinks} shrink(s)):`);
  c.events.forEach((event, i) => lines.push(`          event #${i + 1}  ${indentJson(event)}`));
  if (p.law === "idempotency" || p.law === "ordering") lines.push(`          offered again as ${c.againOrder}`);
  const seeded = Object.entries(c.seeded);
  if (seeded.length > 0) {
    lines.push("          made up for the route's lookups:");
    for (const [what, value] of seeded) lines.push(`            ${what}  ${indentJson(value)}`);
  }
  const replay = ["spec", "test", "--properties", ...context.paths, "--route", route.route, "--seed", String(c.seed), "--path", c.path];
  lines.push(`        replay: ${replay.map(quote).join(" ")}`);
  return lines;
}

/** The report as text: one block per route, a summary line last. */
export function formatPropertiesText(report: PropertiesReport, context: ReplayContext): string {
  const out: string[] = [];
  for (const route of report.routes) {
    out.push(`route ${route.route}  (${route.source}; events told apart by ${route.identity})`);
    for (const p of route.properties) out.push(...propertyLines(route, p, context));
    const c = route.coverage;
    const rest = [c.skipped > 0 ? `${c.skipped} skipped by the trigger's condition` : "", c.waiting > 0 ? `${c.waiting} waiting` : ""].filter((s) => s !== "");
    const kept = c.kept > 0 ? `; kept ${c.kept} record(s) in the runtime's state` : "";
    out.push(`  reached a target with ${c.delivered} of ${c.events} generated event(s)${kept}${rest.length > 0 ? ` (${rest.join(", ")})` : ""}`);
    if (c.events > 0 && c.delivered === 0 && c.kept === 0) out.push("  warning: no generated event reached a target or kept a record, so the laws saw no effect; check the trigger's condition and the payload schema");
    out.push("");
  }
  for (const u of report.unchecked) out.push(`route ${u.route}  not checked: ${u.reason}`, "");
  const all = report.routes.flatMap((r) => r.properties);
  const count = (status: PropertyResult["status"]) => all.filter((p) => p.status === status).length;
  const runs = Math.max(0, ...all.map((p) => p.runs));
  out.push(
    `${report.routes.length} route(s), ${all.length} law(s): ${count("held")} held, ${count("failed")} failed, ${count("not-applicable")} not applicable` +
      ` (seed ${report.seed}, ${runs} scenario(s) per law)`,
  );
  return `${out.join("\n")}\n`;
}

/** The report as JSON. */
export function formatPropertiesJson(report: PropertiesReport): string {
  const all = report.routes.flatMap((r) => r.properties);
  const count = (status: PropertyResult["status"]) => all.filter((p) => p.status === status).length;
  const passed = count("failed") === 0;
  const summary = { passed, routes: report.routes.length, laws: all.length, held: count("held"), failed: count("failed"), notApplicable: count("not-applicable"), seed: report.seed };
  return `${JSON.stringify({ passed, ...report, summary }, null, 2)}\n`;
}
