/**
 * `spec exceptions show` labels the two things an exception holds (the source payload the route
 * received and the request built for the target), and `spec exceptions edit` says which one it
 * replaces and checks the correction against that one's schema before the store takes it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { writeFixture } from "../runtime/fixture.ts";
import { harness, project } from "../runtime/harness.ts";

function io(cwd: string): CliIo & { out: string; err: string } {
  const captured = {
    cwd,
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

/** A store whose ERP refused project p2's request (422): an exception holding event and delivery. */
async function refusedProject(): Promise<{ path: string; issueId: number; eventId: number; deliveryId: number }> {
  const path = join(mkdtempSync(join(tmpdir(), "syncspec-edit-")), "store.db");
  const store = await createSqliteStore({ path, durability: "normal" });
  const h = await harness({ erp: { fault: ({ body }) => ((body as { code?: string }).code === "p2" ? { status: 422, body: { error: "code taken" } } : undefined) } }, store);
  await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p2")]);
  await h.runtime.drain();
  const [issue] = await store.listIssues();
  await h.close();
  if (issue?.eventId == null || issue.deliveryId === null) throw new Error("the fixture made no delivery exception");
  return { path, issueId: issue.id, eventId: issue.eventId, deliveryId: issue.deliveryId };
}

describe("spec exceptions show and edit", () => {
  it("shows the source payload and the target request, each labelled with what edits it", async () => {
    const { path, issueId, eventId, deliveryId } = await refusedProject();
    const shown = io(writeFixture());
    expect(await main(["exceptions", "show", String(issueId), "--store", `sqlite:${path}`], shown)).toBe(0);
    expect(shown.out).toContain(
      `  source payload (event ${eventId} of route project-activation; edit --payload replaces it and routes the event again):\n    {\n      "projectId": "p2",\n      "name": "Project p2"\n    }\n`,
    );
    expect(shown.out).toContain(
      `  target request (erp.createProject, delivery ${deliveryId}; edit --request replaces its body and sends it again):\n    {\n      "code": "p2",\n      "name": "Project p2"\n    }\n`,
    );
    const json = io(writeFixture());
    expect(await main(["exceptions", "show", String(issueId), "--format", "json", "--store", `sqlite:${path}`], json)).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ entry: { source: { eventId, payload: { projectId: "p2" } }, request: { deliveryId, system: "erp", operation: "createProject", body: { code: "p2" } } } });
  });

  it("refuses a target request the operation's schema refuses, naming the field, and changes nothing", async () => {
    const { path, issueId } = await refusedProject();
    const edited = io(writeFixture());
    const args = ["exceptions", "edit", String(issueId), "--request", '{"name":"no code"}', "--reason", "code taken", "--store", `sqlite:${path}`];
    expect(await main(args, edited)).toBe(1);
    expect(edited.err).toBe("spec exceptions: the request to erp.createProject does not match its schema, so nothing was changed: code is required\n");
    const store = await createSqliteStore({ path });
    expect((await store.issue(issueId))?.status).toBe("open");
    await store.close();
  });

  it("refuses a source payload the event's schema refuses, naming the field, and changes nothing", async () => {
    const { path, issueId } = await refusedProject();
    const edited = io(writeFixture());
    const args = ["exceptions", "edit", String(issueId), "--payload", '{"projectId":"p2"}', "--reason", "renamed", "--store", `sqlite:${path}`];
    expect(await main(args, edited)).toBe(1);
    expect(edited.err).toBe("spec exceptions: the source payload of route project-activation does not match its schema, so nothing was changed: name is required\n");
  });

  it("sends an edited target request again, and says it edited the request rather than the source", async () => {
    const { path, issueId, deliveryId } = await refusedProject();
    const edited = io(writeFixture());
    const args = ["exceptions", "edit", String(issueId), "--request", '{"code":"p2-b","name":"Project p2"}', "--reason", "code taken", "--store", `sqlite:${path}`];
    expect(await main(args, edited)).toBe(0);
    expect(edited.out).toBe(`exception ${issueId}: replayed by ana: edited the request of delivery ${deliveryId} to erp.createProject; it is sent again under the same idempotency key\n`);

    const h = await harness({}, await createSqliteStore({ path }));
    // The edit made the delivery due at the wall clock's now; the harness clock starts earlier.
    h.clock.advance(Date.now() - h.clock.now() + 1000);
    await h.runtime.drain();
    expect(h.erp.ledger.map((e) => e.body)).toEqual([{ code: "p2-b", name: "Project p2" }]);
    const trail = await h.store.auditTrail();
    expect(trail.find((e) => e.action === "issue.replayed")?.detail).toMatchObject({ edited: `request of delivery ${deliveryId}` });
    await h.close();
  });

  it("refuses --request on an exception that stopped before any request was built, and both flags at once", async () => {
    const { path, issueId } = await refusedProject();
    const both = io(writeFixture());
    expect(await main(["exceptions", "edit", String(issueId), "--request", "{}", "--payload", "{}", "--reason", "x", "--store", `sqlite:${path}`], both)).toBe(2);
    expect(both.err).toContain("edit takes --payload (the source payload) or --request (the target request), not both");

    const bare = join(mkdtempSync(join(tmpdir(), "syncspec-edit-")), "store.db");
    const store = await createSqliteStore({ path: bare, durability: "normal" });
    const h = await harness({}, store);
    // Its project never reaches the ERP: the event stops at its require step, before any delivery.
    await h.runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t-1", projectId: "p1", minutes: 30 }]);
    await h.runtime.drain();
    h.clock.advance(2 * 3_600_000);
    await h.runtime.drain();
    const [issue] = await store.listIssues();
    await h.close();
    const refused = io(writeFixture());
    expect(await main(["exceptions", "edit", String(issue?.id), "--request", "{}", "--reason", "x", "--store", `sqlite:${bare}`], refused)).toBe(1);
    expect(refused.err).toBe(`spec exceptions: exception ${issue?.id} holds no request to a target (it stopped before a delivery was made); edit its source payload with --payload\n`);
  });
});
