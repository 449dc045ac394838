import { describe, expect, it } from "vitest";
import { suggest } from "../../src/compiler/diagnostics/suggest.ts";

describe("suggest", () => {
  it("offers the name one edit away", () => expect(suggest("projectID", ["projectId", "clientId"])).toBe("projectId"));
  it("counts a swap of neighbours as one edit", () => expect(suggest("pas", ["psa", "erp"])).toBe("psa"));
  it("offers nothing when no name is close", () => expect(suggest("invoice", ["psa", "erp"])).toBeUndefined());
  it("never offers the name itself", () => expect(suggest("psa", ["psa"])).toBeUndefined());
  it("prefers a match that differs only in case", () => expect(suggest("timeentry", ["TimeEntry", "timeEntr"])).toBe("TimeEntry"));
});
