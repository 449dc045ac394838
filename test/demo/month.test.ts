import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateMonth } from "../../src/demo/month/generate.ts";
import { priceTime } from "../../src/demo/simulators/psa.ts";
import { priceMinutes, toCents, toDecimal } from "../../src/ops/money.ts";

const small = { seed: 7, consultants: 12, projects: 24, timeEntries: 1500 };

describe("generateMonth", () => {
  it("gives the same month for the same seed and a different one for another seed", () => {
    const a = generateMonth(small);
    const b = generateMonth(small);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(generateMonth({ ...small, seed: 8 }).timeEntries[0]?.timeEntryId).not.toBe(a.timeEntries[0]?.timeEntryId);
  });

  it("produces the demo's volume: 40 consultants, 120 projects and 20,000 time entries over three companies", () => {
    const month = generateMonth({ seed: 7 });
    expect(month.resources).toHaveLength(40);
    expect(month.projects).toHaveLength(120);
    expect(month.timeEntries).toHaveLength(20_000);
    expect(new Set(month.projects.map((p) => p.currency))).toEqual(new Set(["GBP", "USD", "EUR"]));
    expect(new Set(month.projects.map((p) => p.billingModel))).toEqual(new Set(["time-and-materials", "fixed-fee"]));
  });

  it("seeds one project without contract data and three changes by hand, and records each gap; its two edits after approval are corrected and leave none", () => {
    const month = generateMonth(small);
    expect(month.seededGaps.map((g) => g.cause)).toEqual(["missing-contract", "manual-erp-journal", "receivable-adjusted", "payment-outside-billing"]);
    expect(new Set(month.seededGaps.map((g) => g.subject)).size).toBe(4);
    expect(month.events.filter((e) => e.mess === "edited-after-approval")).toHaveLength(2);
    expect(month.projects.filter((p) => p.contractId === undefined)).toHaveLength(1);
    expect(month.psaProjects.filter((p) => p.contractId === undefined)).toHaveLength(1);
  });

  it("sends duplicates identical to the original and edits with the same id but a changed duration", () => {
    const month = generateMonth(small);
    const byId = (id: string) => month.events.filter((e) => "timeEntryId" in e.payload && e.payload.timeEntryId === id);
    const duplicate = month.events.find((e) => e.mess === "duplicate" && e.event === "timeEntryApproved");
    if (duplicate === undefined) throw new Error("the month has no duplicate");
    const sends = byId((duplicate.payload as { timeEntryId: string }).timeEntryId);
    expect(JSON.stringify(sends[0]?.payload)).toBe(JSON.stringify(duplicate.payload));
    const edit = month.events.find((e) => e.mess === "edited-after-approval");
    if (edit === undefined) throw new Error("the month has no edit");
    const first = byId((edit.payload as { timeEntryId: string }).timeEntryId)[0];
    expect((edit.payload as { duration: number }).duration - ((first?.payload ?? { duration: 0 }) as { duration: number }).duration).toBe(60);
  });

  it("orders the events by the month's clock", () => {
    const month = generateMonth(small);
    const times = month.events.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(month.events.some((e) => e.mess === "late-approval")).toBe(true);
  });
});

describe("money", () => {
  it("has the rate cards the specs' seed file holds: last year's and this year's period of each company's card", () => {
    const month = generateMonth({ seed: 7, consultants: 6, projects: 12, timeEntries: 240 });
    const seed = JSON.parse(readFileSync("specs/reference/rate-cards.json", "utf8")) as unknown;
    expect(month.rateCards).toEqual(seed);
    expect(month.rateCards.filter((c) => c.rateCardId === "RC-UK").map((c) => [c.validFrom, c.validTo])).toEqual([
      ["2025-01-01", "2026-01-01"],
      ["2026-01-01", undefined],
    ]);
  });

  it("prices time at the rate card in force on the day it was worked", () => {
    const month = generateMonth({ seed: 7, consultants: 6, projects: 12, timeEntries: 240 });
    const project = month.projects.find((p) => p.rateCardId === "RC-UK") as (typeof month.projects)[number];
    const resource = month.resources.find((r) => r.role === "manager") ?? month.resources[0];
    const price = priceTime(month);
    const entry = { projectId: project.projectId, userId: resource?.resourceId as string, duration: 60, chargeType: "TIME" };
    const rateOn = (date: string) => month.rateCards.find((c) => c.rateCardId === "RC-UK" && c.validFrom <= date && (c.validTo === undefined || date < c.validTo))?.lines.find((l) => l.role === resource?.role)?.billRate;
    expect(price({ ...entry, dateUtc: "2025-12-31T09:00:00Z" }).billRate).toBe(rateOn("2025-12-31"));
    expect(price({ ...entry, dateUtc: "2026-01-01T09:00:00Z" }).billRate).toBe(rateOn("2026-01-01"));
    expect(rateOn("2025-12-31")).not.toBe(rateOn("2026-01-01"));
  });

  it("prices minutes at an hourly rate in cents, rounding half to even", () => {
    expect(priceMinutes(450, 15_000)).toBe(112_500);
    expect(priceMinutes(1, 3)).toBe(0);
    expect(priceMinutes(10, 3)).toBe(0);
    expect(priceMinutes(30, 3)).toBe(2);
    expect(priceMinutes(30, 1)).toBe(0);
  });

  it("reads and writes decimal strings without floats", () => {
    expect(toCents("513.75")).toBe(51_375);
    expect(toCents("-0.5")).toBe(-50);
    expect(toCents("1.005")).toBe(100);
    expect(toCents("1.015")).toBe(102);
    expect(toDecimal(-51_375)).toBe("-513.75");
    expect(toDecimal(5)).toBe("0.05");
  });
});
