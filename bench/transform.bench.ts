/**
 * `npm run bench -- transform [--json] [--ms=<per side>]`: evaluations per second of realistic
 * mapping expressions, the `jsonata` interpreter and the compiled form side by side in one run,
 * and the median ratio. The expressions are a built-in professional-services set plus every
 * Mapping found in specs/ (its `spec.expression`, evaluated on its tests' inputs and lookups).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import jsonata from "jsonata";
import { loadProgram } from "../src/compiler/program.ts";
import { compileExpression } from "../src/transform/index.ts";

interface Workload {
  readonly name: string;
  readonly expression: string;
  readonly input: unknown;
  readonly bindings: Record<string, unknown>;
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

function timeEntry(n: number): Record<string, unknown> {
  return {
    id: `TE-${1000 + n}`,
    resource: { id: `R-${n % 17}`, costCenter: `CC-${100 + (n % 5)}`, grade: ["A", "B", "C"][n % 3] },
    project: { code: `P-${n % 11}`, billable: n % 4 !== 0, legalEntity: n % 2 === 0 ? "US01" : "UK01" },
    date: `2026-03-${String(1 + (n % 28)).padStart(2, "0")}`,
    hours: 1 + (n % 8) * 0.5,
    costRate: `${(85 + (n % 9) * 2.5).toFixed(2)}`,
    currency: n % 2 === 0 ? "USD" : "GBP",
    status: n % 5 === 0 ? "draft" : "approved",
    notes: `Implementation workshop session ${n} with client finance team`,
  };
}

function invoice(): Record<string, unknown> {
  const lines = Array.from({ length: 50 }, (_, n) => ({
    lineNo: n + 1,
    type: n % 3 === 0 ? "expense" : "time",
    sku: `SVC-${n % 7}`,
    description: `Consulting services, week ${1 + (n % 4)}`,
    quantity: 1 + (n % 6),
    unitPrice: `${(120 + (n % 5) * 15).toFixed(2)}`,
    taxable: n % 4 !== 0,
    project: `P-${n % 3}`,
  }));
  return { number: "INV-2026-0042", client: { id: "C-7", name: "Northwind Advisory" }, currency: "EUR", lines };
}

const legalEntities = { US01: { erpCode: "1000", ledger: "US-GAAP" }, UK01: { erpCode: "2000", ledger: "IFRS" } };
const rateCard = { "A": "210.00", "B": "165.00", "C": "120.00" };

const builtIn: Workload[] = [
  {
    name: "time entry to ERP cost posting",
    expression: `{
      "postingId": "CP-" & id,
      "legalEntity": $lookup($entities, project.legalEntity).erpCode,
      "account": project.billable ? "5100" : "5200",
      "costCenter": resource.costCenter,
      "project": project.code,
      "hours": $string(hours),
      "amount": $string($round(hours * $number(costRate), 2)),
      "currency": currency,
      "postingDate": date,
      "memo": $substring(notes, 0, 40)
    }`,
    input: timeEntry(3),
    bindings: { entities: legalEntities },
  },
  {
    name: "invoice lines filter, sum and map",
    expression: `{
      "invoice": number,
      "client": client.name,
      "lines": lines[type = "time"].{ "sku": sku, "qty": quantity, "net": $string($round(quantity * $number(unitPrice), 2)) },
      "net": $string($round($sum(lines.(quantity * $number(unitPrice))), 2)),
      "tax": $string($round($sum(lines[taxable].(quantity * $number(unitPrice) * $taxRate)), 2))
    }`,
    input: invoice(),
    bindings: { taxRate: 0.2 },
  },
  {
    name: "invoice lines with $map and $filter",
    expression: `$map($filter(lines, function($l) { $l.quantity > 2 }), function($l, $i) {
      { "line": $i + 1, "sku": $l.sku, "amount": $string($round($l.quantity * $number($l.unitPrice), 2)) }
    })`,
    input: invoice(),
    bindings: {},
  },
  {
    name: "billing rate from a rate card lookup",
    expression: `{
      "entry": id,
      "rate": $lookup($rates, resource.grade),
      "billable": project.billable and status = "approved",
      "value": project.billable ? $string($round(hours * $number($lookup($rates, resource.grade)), 2)) : "0.00"
    }`,
    input: timeEntry(5),
    bindings: { rates: rateCard },
  },
  {
    name: "hours by project (grouping)",
    expression: `entries{ project.code: $sum(hours) }`,
    input: { entries: Array.from({ length: 40 }, (_, n) => timeEntry(n)) },
    bindings: {},
  },
  {
    name: "milestone status mapping",
    expression: `{
      "milestone": $uppercase(code),
      "status": status = "done" ? "COMPLETE" : status = "in_progress" ? "OPEN" : "PLANNED",
      "owners": $join(owners.name, "; "),
      "amount": $string($number(amount)),
      "due": dueDate ? dueDate : null
    }`,
    input: {
      code: "ms-04",
      status: "in_progress",
      owners: [{ name: "Ada" }, { name: "Grace" }],
      amount: "12500.00",
      dueDate: "2026-06-30",
    },
    bindings: {},
  },
  {
    name: "payment allocation with $reduce",
    expression: `$reduce(lines, function($acc, $l) { $acc + $l.quantity * $number($l.unitPrice) }, 0) ~> $round(2) ~> $string()`,
    input: invoice(),
    bindings: {},
  },
  {
    name: "approved entries sorted by date",
    expression: `entries[status = "approved"]^(date).{ "id": id, "date": date, "hours": hours }`,
    input: { entries: Array.from({ length: 30 }, (_, n) => timeEntry(n * 7)) },
    bindings: {},
  },
];

/** Every Mapping of the example spec set (YAML and DSL alike) with its expression and first example. */
function specWorkloads(): Workload[] {
  const program = loadProgram({ cwd: projectRoot, paths: [join(projectRoot, "specs")] });
  return [...program.set.mappings.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((mapping) => {
      const example = mapping.value.spec.tests?.[0];
      return {
        name: `spec ${mapping.name}`,
        expression: mapping.value.spec.expression,
        input: example?.input ?? {},
        bindings: (example?.lookups as Record<string, unknown> | undefined) ?? {},
      };
    });
}

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Collects garbage between slices, so neither side pays for the other's allocations. */
function collectGarbage(): void {
  gc();
}

interface Meter {
  count: number;
  elapsed: number;
}

async function measureAsync(evaluate: () => unknown, ms: number, meter: Meter): Promise<void> {
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 10; i++) await evaluate();
    meter.count += 10;
    elapsed = performance.now() - start;
  }
  meter.elapsed += elapsed;
}

function measureSync(evaluate: () => unknown, ms: number, meter: Meter): void {
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 50; i++) evaluate();
    meter.count += 50;
    elapsed = performance.now() - start;
  }
  meter.elapsed += elapsed;
}

/**
 * Evaluations per second of both sides, measured in alternating short slices after a warm-up;
 * each side's rate is the median over the slices, so a burst of load from elsewhere on the
 * machine spoils a slice or two rather than the figure.
 */
async function sideBySide(
  interpreted: () => unknown,
  compiled: () => unknown,
  compiledIsSync: boolean,
  ms: number,
): Promise<{ interpreter: number; compiled: number }> {
  const rounds = 12;
  const slice = ms / rounds;
  const runCompiled = async (budget: number, meter: Meter): Promise<void> => {
    if (compiledIsSync) measureSync(compiled, budget, meter);
    else await measureAsync(compiled, budget, meter);
  };
  await measureAsync(interpreted, 100, { count: 0, elapsed: 0 });
  await runCompiled(100, { count: 0, elapsed: 0 });
  const interpreterRates: number[] = [];
  const compiledRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a: Meter = { count: 0, elapsed: 0 };
    const b: Meter = { count: 0, elapsed: 0 };
    collectGarbage();
    await measureAsync(interpreted, slice, a);
    collectGarbage();
    await runCompiled(slice, b);
    interpreterRates.push((a.count * 1000) / a.elapsed);
    compiledRates.push((b.count * 1000) / b.elapsed);
  }
  return { interpreter: median(interpreterRates), compiled: median(compiledRates) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs the benchmark; returns the figures printed as JSON. */
export async function run({ json, args }: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const msArg = args.find((arg) => arg.startsWith("--ms="));
  const ms = msArg !== undefined ? Number(msArg.slice("--ms=".length)) : 400;
  const fromSpecs = specWorkloads();
  const workloads = [...builtIn, ...fromSpecs];
  const results: Record<string, unknown>[] = [];
  for (const workload of workloads) {
    const interpreter = jsonata(workload.expression);
    const compiled = compileExpression(workload.expression);
    const expected = JSON.stringify(await interpreter.evaluate(workload.input, workload.bindings));
    const actual = JSON.stringify(await compiled.evaluate(workload.input, workload.bindings));
    const rates = await sideBySide(
      () => interpreter.evaluate(workload.input, workload.bindings),
      () => compiled.evaluate(workload.input, workload.bindings),
      compiled.mode === "compiled",
      ms,
    );
    const interpreted = rates.interpreter;
    const compiledRate = rates.compiled;
    const row = {
      name: workload.name,
      mode: compiled.mode,
      sameResult: expected === actual,
      interpreterPerSecond: Math.round(interpreted),
      compiledPerSecond: Math.round(compiledRate),
      ratio: Math.round((compiledRate / interpreted) * 10) / 10,
    };
    results.push(row);
    if (!json) process.stdout.write(`${row.name}: ${row.interpreterPerSecond}/s -> ${row.compiledPerSecond}/s (${row.ratio}x)\n`);
    else process.stderr.write(`${row.name}: ${row.ratio}x\n`);
  }
  const ratios = results.map((row) => row["ratio"] as number);
  return {
    suite: "transform",
    msPerSide: ms,
    expressions: results.length,
    fromSpecs: fromSpecs.length,
    medianRatio: median(ratios),
    minRatio: Math.min(...ratios),
    allSameResult: results.every((row) => row["sameResult"] === true),
    results,
  };
}
