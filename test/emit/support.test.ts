import { describe, expect, it } from "vitest";
import { CurrencyCode, Decimal, IsoDate, IsoDateTime, Money } from "../../generated/support.ts";
import type { Project } from "../../generated/entities/project.ts";
import { specSet } from "../../generated/index.ts";

describe("the branded types' helpers in generated/support.ts", () => {
  it("make branded values from well-formed strings, so a service never casts", () => {
    const budget: Money = Money.parse("1200.00");
    const start: IsoDate = IsoDate.parse("2026-03-01");
    const project: Partial<Project> = { budget, startDate: start, currency: CurrencyCode.parse("EUR"), activatedAt: IsoDateTime.parse("2026-03-01T09:30:00Z") };
    expect(project).toEqual({ budget: "1200.00", startDate: "2026-03-01", currency: "EUR", activatedAt: "2026-03-01T09:30:00Z" });
    expect(Decimal.parse("-0.5")).toBe("-0.5");
    expect(IsoDateTime.parse("2026-03-01T09:30:00.125+01:00")).toBe("2026-03-01T09:30:00.125+01:00");
  });

  it("refuse malformed strings with a TypeError saying what was expected", () => {
    expect(() => Money.parse("12,50")).toThrow(new TypeError('"12,50" is not an amount written as a decimal string, such as "1200.00"'));
    expect(() => Decimal.parse("1e3")).toThrow(TypeError);
    expect(() => IsoDate.parse("2026-02-30")).toThrow("is not a calendar date YYYY-MM-DD");
    expect(() => IsoDateTime.parse("2026-03-01 9:30")).toThrow("is not an RFC 3339 date-time");
    expect(() => IsoDateTime.parse("2026-13-01T09:30:00Z")).toThrow(TypeError);
    expect(() => CurrencyCode.parse("eur")).toThrow("is not an ISO 4217 currency code");
  });

  it("agree with the entity validators on what a well-formed value is", () => {
    const validate = specSet.validators["Project"];
    if (validate === undefined) throw new Error("no Project validator");
    const base = { projectId: "0b7c2f57-3f4e-4a43-9d41-4f7f5f0b8a11", projectCode: "UK-1", name: "Audit", clientId: "c", contractId: "k", legalEntityId: "l", billingModel: "fixed-fee", currency: "EUR", status: "active" };
    for (const [value, ok] of [["1200.00", true], ["12,50", false], ["-3", true], ["1.", false]] as const) {
      expect(Money.is(value)).toBe(ok);
      expect(validate({ ...base, budget: value }).valid).toBe(ok);
    }
  });

  it("are what generated/support.ts exports, beside the brands' types", () => {
    expect([Decimal, Money, IsoDate, IsoDateTime, CurrencyCode].every((b) => typeof b.parse === "function" && typeof b.is === "function")).toBe(true);
  });
});
