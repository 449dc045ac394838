import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/runtime/errors.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { type Harness, harness, project, time } from "./harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("an event whose lookup finds the store unavailable", () => {
  it("is given back and routed later, not filed as an exception", async () => {
    const real = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-unavailable-")), "store.db"), durability: "normal" });
    let failing = 0;
    // The cross-reference lookup fails as a PostgreSQL store does once its retry window has passed.
    const store: Store = Object.assign(Object.create(real) as Store, {
      findXref: (...args: Parameters<Store["findXref"]>) =>
        failing-- > 0 ? Promise.reject(new StoreUnavailableError("the PostgreSQL store did not answer for 30000 ms (20 attempts): connect ECONNREFUSED")) : real.findXref(...args),
    });
    h = await harness({}, store);
    await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1")]);
    await h.runtime.drain();
    failing = 1;
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [time("t1", "p1")]);
    await h.runtime.drain();
    expect(await h.store.listIssues()).toEqual([]);
    expect(h.erp.ledger.filter((e) => e.path === "/journals")).toHaveLength(0);
    h.clock.advance(5_000);
    await h.runtime.drain();
    expect(await h.store.listIssues()).toEqual([]);
    expect(h.erp.ledger.filter((e) => e.path === "/journals")).toHaveLength(1);
    expect(h.billing.ledger).toHaveLength(1);
  });
});
