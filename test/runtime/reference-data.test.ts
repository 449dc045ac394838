import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EntitySpec } from "../../src/model/index.ts";
import { entityJsonSchema } from "../../src/pipeline/entity-schema.ts";
import { diffRows } from "../../src/runtime/state/diff.ts";
import { loadReferenceData } from "../../src/runtime/state/load.ts";
import { describeProblem } from "../../src/runtime/state/reference-file.ts";
import { referenceEntity } from "../../src/runtime/state/reference-rows.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { compileValidator } from "../../src/runtime/validators.ts";

const RATE: EntitySpec = {
  identity: ["rateCardId", "role"],
  fields: {
    rateCardId: { type: "string", required: true },
    role: { type: "enum", values: ["partner", "manager", "analyst"], required: true },
    rate: { type: "decimal", required: true },
    hoursPerDay: { type: "integer" },
    active: { type: "boolean" },
    validFrom: { type: "date" },
  },
};
const schema = entityJsonSchema(RATE);
const entity = referenceEntity("BillRate", RATE.identity, schema, compileValidator(schema));
const bytes = (text: string) => new TextEncoder().encode(text);

describe("loading reference data", () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "syncspec-data-"));
    store = await createSqliteStore({ path: join(dir, "state.db"), durability: "normal" });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const load = async (file: string, text: string | Uint8Array) => {
    const result = await loadReferenceData(store, entity, { file, bytes: typeof text === "string" ? bytes(text) : text }, { now: 1000, actor: "ops" });
    return result.ok ? result : { ok: false as const, messages: result.problems.map(describeProblem) };
  };

  it("loads a CSV file's rows keyed by the composite identity, with cells converted to the fields' types", async () => {
    const csv = 'rateCardId,role,rate,hoursPerDay,active,validFrom\nRC-1,manager,210.00,8,true,2025-04-01\n"RC-1",manager,"222.50",,false,2026-03-09\n';
    const result = await load("rates.csv", csv);
    expect(result).toMatchObject({ ok: true, version: { entity: "BillRate", version: 1, rows: 2, source: "rates.csv" } });
    expect(await store.findRecord("BillRate", "RC-1|manager", "2026-03-06")).toEqual({
      found: true,
      value: { rateCardId: "RC-1", role: "manager", rate: "210.00", hoursPerDay: 8, active: true, validFrom: "2025-04-01" },
      validFrom: "2025-04-01",
    });
    expect(await store.findRecord("BillRate", "RC-1|manager", "2026-03-09")).toMatchObject({ value: { rate: "222.50", active: false } });
  });

  it("refuses rows that fail the entity's schema, each located by its row, and loads none of the file", async () => {
    const json = JSON.stringify([
      { rateCardId: "RC-1", role: "manager", rate: "210.00" },
      { rateCardId: "RC-1", role: "director", rate: "300.00" },
      { rateCardId: "RC-1", role: "analyst", rate: 118.75 },
      "analyst",
    ]);
    const result = await load("rates.json", json);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.messages).toEqual([
      expect.stringMatching(/^rates\.json row 2: is not a valid BillRate: .*role/),
      expect.stringMatching(/^rates\.json row 3: is not a valid BillRate: .*rate/),
      "rates.json row 4: is not an object",
    ]);
    expect(await store.dataVersions()).toEqual([]);
  });

  it("refuses a duplicate key in one load, naming both rows", async () => {
    const json = JSON.stringify([
      { rateCardId: "RC-1", role: "manager", rate: "210.00" },
      { rateCardId: "RC-1", role: "manager", rate: "215.00" },
    ]);
    const result = await load("rates.json", json);
    expect(result.ok ? [] : result.messages).toEqual(["rates.json row 2: duplicates the key BillRate RC-1|manager of row 1"]);
    expect(await store.dataVersions()).toEqual([]);
  });

  it("refuses overlapping validity periods of one key", async () => {
    const json = JSON.stringify([
      { rateCardId: "RC-1", role: "manager", rate: "210.00", validFrom: "2025-04-01", validTo: "2026-04-01" },
      { rateCardId: "RC-1", role: "manager", rate: "222.50", validFrom: "2026-03-09" },
    ]);
    const result = await load("rates.json", json);
    expect(result.ok ? [] : result.messages).toEqual([
      "rates.json row 2: overlaps row 1 for BillRate RC-1|manager: it starts 2026-03-09, before that period ends (validTo 2026-04-01)",
    ]);
  });

  it("refuses a CSV file whose header lacks a required column, and a line that lacks cells", async () => {
    const header = await load("a.csv", "rateCardId,role\nRC-1,manager\n");
    expect(header.ok ? [] : header.messages).toEqual(["a.csv line 1: lacks the column rate, which every record needs"]);
    const short = await load("b.csv", "rateCardId,role,rate,active\nRC-1,manager,210.00,true\nRC-1,analyst\n");
    expect(short.ok ? [] : short.messages).toEqual(["b.csv line 3: has 2 cells and the header 4: the columns rate, active are missing"]);
    expect(await store.dataVersions()).toEqual([]);
  });

  it("refuses a CSV file that is not UTF-8, naming the line of the first bad byte", async () => {
    const latin1 = Uint8Array.from([...bytes("rateCardId,role,rate\nRC-1,manager,210.00\nRC-2,"), 0xe9, ...bytes("t,1.00\n")]);
    const result = await load("latin1.csv", latin1);
    expect(result.ok ? [] : result.messages).toEqual(["latin1.csv line 3: is not UTF-8 (byte 0xe9 at offset 46); save the file as UTF-8"]);
  });

  it("compares two versions record by record", async () => {
    await load("v1.json", JSON.stringify([{ rateCardId: "RC-1", role: "manager", rate: "210.00" }, { rateCardId: "RC-1", role: "analyst", rate: "118.75" }]));
    await load("v2.json", JSON.stringify([{ rateCardId: "RC-1", role: "manager", rate: "222.50" }, { rateCardId: "RC-1", role: "partner", rate: "310.00" }]));
    const changes = diffRows(await store.dataRows("BillRate", 1), await store.dataRows("BillRate", 2));
    expect(changes.map((c) => [c.change, c.key])).toEqual([
      ["removed", "RC-1|analyst"],
      ["changed", "RC-1|manager"],
      ["added", "RC-1|partner"],
    ]);
  });
});
