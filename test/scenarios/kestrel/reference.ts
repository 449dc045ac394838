/**
 * Kestrel Advisory's reference data as the firm exports it for loading: the files under
 * ../shared/scenarios/c/reference turned into one file of records per entity (people as CSV, the
 * rest as JSON arrays), each record carrying its `validFrom` where the source dates it. The files
 * are written to a folder of the test's own and loaded through the runtime's loader, as
 * `spec data load` would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Json = Record<string, unknown>;

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as Json;

/** Effective-dated rates per owner (rate card or legal entity) and role, as records. */
function datedRates(source: Json, ownerField: string): Json[] {
  const records: Json[] = [];
  for (const [owner, card] of Object.entries(source as Record<string, { currency: string; versions: { validFrom: string; rates: Record<string, string> }[] }>)) {
    for (const version of card.versions) {
      for (const [role, rate] of Object.entries(version.rates)) records.push({ [ownerField]: owner, role, rate, currency: card.currency, validFrom: version.validFrom });
    }
  }
  return records;
}

function csv(rows: readonly Json[], columns: readonly string[]): string {
  const cell = (value: unknown) => {
    const text = String(value ?? "");
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[columns.join(","), ...rows.map((row) => columns.map((c) => cell(row[c])).join(","))].join("\n")}\n`;
}

/** Writes one load file per entity into `out`; returns entity name to file path, in load order. */
export function writeReferenceFiles(referenceDir: string, out: string): [string, string][] {
  const entities = read(referenceDir, "legal-entities.json") as Record<string, Json>;
  const people = read(referenceDir, "people.json") as Record<string, Json>;
  const accounts = read(referenceDir, "erp-accounts.json") as Record<string, Json>;
  const fx = read(referenceDir, "fx-rates.json") as { rates: { date: string; from: string; to: string; rate: string }[] };
  const files: [string, string, string][] = [
    ["LegalEntity", "legal-entities.json", JSON.stringify(Object.entries(entities).map(([entityId, e]) => ({ entityId, ...e })))],
    ["Person", "people.csv", csv(Object.entries(people).map(([personId, p]) => ({ personId, ...p })), ["personId", "name", "homeEntity", "role"])],
    ["BillRate", "bill-rates.json", JSON.stringify(datedRates(read(referenceDir, "rate-cards.json"), "rateCardId"))],
    ["CostRate", "cost-rates.json", JSON.stringify(datedRates(read(referenceDir, "cost-rates.json"), "entity"))],
    ["ErpAccount", "erp-accounts.json", JSON.stringify(Object.entries(accounts).map(([purpose, a]) => ({ purpose, ...a })))],
    ["FxRate", "fx-rates.json", JSON.stringify(fx.rates.map((r) => ({ from: r.from, to: r.to, rate: r.rate, validFrom: r.date })))],
  ];
  return files.map(([entity, file, text]) => {
    const path = join(out, file);
    writeFileSync(path, text);
    return [entity, path];
  });
}
