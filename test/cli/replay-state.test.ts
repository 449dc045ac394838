/**
 * `spec replay` respects what the store already did: a delivered event is not sent again unless
 * `--force`, a dead letter's delivery is sent again and its dead letter closes once it is
 * delivered, a dead letter a person skipped stays skipped, and `--dry-run` lists and sends nothing.
 * The ERP is a fake target that counts every request it receives.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { harness, project } from "../runtime/harness.ts";

function io(): CliIo & { out: string; err: string } {
  const captured = {
    cwd: tmpdir(),
    out: "",
    err: "",
    env: { USER: "ana" },
    isTTY: false,
    stdout(text: string) {
      captured.out += text;
    },
    stderr(text: string) {
      captured.err += text;
    },
  };
  return captured;
}

/** p1 delivered, p2 and p3 dead-lettered while the ERP failed them; the ERP then recovers. */
async function storeAfterOutage() {
  const path = join(mkdtempSync(join(tmpdir(), "syncspec-replay-")), "store.db");
  const outage = { on: true };
  const failing = new Set(["p2", "p3"]);
  const h = await harness(
    { erp: { fault: ({ body }) => (outage.on && failing.has((body as { code: string }).code) ? { status: 503 } : undefined) } },
    await createSqliteStore({ path, durability: "normal" }),
  );
  await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1"), project("p2"), project("p3")]);
  for (let i = 0; i < 8; i++) {
    await h.runtime.drain();
    h.clock.advance(10_000);
  }
  outage.on = false;
  return { path, h };
}

const range = (path: string) => ["--route", "project-activation", "--from", "2026-01-01T00:00:00Z", "--to", "2026-02-01T00:00:00Z", "--store", `sqlite:${path}`];

describe("spec replay", () => {
  it("sends only the dead letters' deliveries again, leaves the delivered event and the skipped dead letter, and closes what it delivered", async () => {
    const { path, h } = await storeAfterOutage();
    const deadLetters = await h.store.listIssues({ kind: "dead-letter", status: "open" });
    expect(deadLetters).toHaveLength(2);
    await h.store.resolveIssue({ issueId: deadLetters[1]!.id, who: "ana", why: "created by hand in the ERP", now: Date.now(), action: "skip" });
    const requestsBefore = h.erp.requests;

    const dry = io();
    expect(await main(["replay", "--dry-run", ...range(path)], dry)).toBe(0);
    expect(dry.out).toBe(
      "dry run: would replay 1 of 3 events of project-activation received from 2026-01-01T00:00:00.000Z to 2026-02-01T00:00:00.000Z\n" +
        "  event 1 (p1): leave: already delivered; --force sends it again\n" +
        "  event 2 (p2): send again erp.createProject (delivery 2): 1 of its deliveries stopped\n" +
        `  event 3 (p3): leave: a person skipped it (issue ${deadLetters[1]!.id}); --force replays it\n`,
    );
    h.clock.advance(Date.now() - h.clock.now() + 1000);
    await h.runtime.drain();
    expect(h.erp.requests).toBe(requestsBefore);

    const replayed = io();
    expect(await main(["replay", "--reason", "erp restored", ...range(path)], replayed)).toBe(0);
    expect(replayed.out.split("\n")[0]).toBe("replaying 1 of 3 events of project-activation received from 2026-01-01T00:00:00.000Z to 2026-02-01T00:00:00.000Z");
    h.clock.advance(Date.now() - h.clock.now() + 1000);
    for (let i = 0; i < 4; i++) {
      await h.runtime.drain();
      h.clock.advance(60_000);
    }

    // One request more: p2's, and nothing for p1 (delivered) or p3 (skipped by a person).
    expect(h.erp.requests).toBe(requestsBefore + 1);
    expect(h.erp.ledger.map((e) => (e.body as { code: string }).code).sort()).toEqual(["p1", "p2"]);
    expect(await h.store.issue(deadLetters[0]!.id)).toMatchObject({ status: "closed", resolution: "its delivery was delivered" });
    expect((await h.store.issue(deadLetters[1]!.id))?.status).toBe("skipped");
    await h.close();
  });

  it("routes delivered events again with --force, under the same idempotency keys, so the target applies nothing twice", async () => {
    const { path, h } = await storeAfterOutage();
    const requestsBefore = h.erp.requests;
    const forced = io();
    expect(await main(["replay", "--force", "--reason", "audit re-run", "--format", "json", ...range(path)], forced)).toBe(0);
    const outcome = JSON.parse(forced.out) as { dryRun: boolean; summary: { replayed: number }; items: { action: string }[] };
    expect([outcome.dryRun, outcome.summary.replayed, outcome.items.map((i) => i.action)]).toEqual([false, 3, ["route-again", "route-again", "route-again"]]);
    h.clock.advance(Date.now() - h.clock.now() + 1000);
    for (let i = 0; i < 4; i++) {
      await h.runtime.drain();
      h.clock.advance(60_000);
    }
    expect(h.erp.requests).toBe(requestsBefore + 3);
    expect(h.erp.ledger.map((e) => (e.body as { code: string }).code).sort()).toEqual(["p1", "p2", "p3"]);
    await h.close();
  });

  it("needs no --reason for a dry run, and still refuses a real replay without one", async () => {
    const { path, h } = await storeAfterOutage();
    await h.close();
    const noReason = io();
    expect(await main(["replay", ...range(path)], noReason)).toBe(2);
    expect(noReason.err).toContain("--reason is required: the audit log records why");
    const dry = io();
    expect(await main(["replay", "--dry-run", ...range(path)], dry)).toBe(0);
  });
});
