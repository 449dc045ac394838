/**
 * The dashboard edits what it shows: a delivery's exception shows the request built for its target,
 * labelled, and its edit replaces that request (checked against the operation's schema) and sends
 * it again; an event's exception shows and edits the source payload (checked against the event's).
 */
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { startDashboard } from "../../src/dashboard/server.ts";
import { fixtureDefinitions, harness, project } from "../runtime/harness.ts";

async function setUp() {
  const h = await harness({ erp: { fault: ({ body }) => ((body as { code?: string }).code === "p2" ? { status: 422, body: { error: "code taken" } } : undefined) } });
  await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p2")]);
  await h.runtime.drain();
  const [issue] = await h.store.listIssues();
  const board = await startDashboard({ store: h.store, compiled: fixtureDefinitions(), token: "edit-token", user: "ana", registry: new Registry(), now: h.clock.now });
  const act = (body: unknown) =>
    fetch(`${board.url}/api/issues/${issue!.id}/edit`, { method: "POST", headers: { authorization: "Bearer edit-token", "content-type": "application/json" }, body: JSON.stringify(body) });
  const page = async () => (await fetch(`${board.url}/`, { headers: { authorization: "Bearer edit-token" } })).text();
  return { h, board, issue: issue!, act, page };
}

describe("editing an exception on the dashboard", () => {
  it("labels a delivery's payload as its target request and offers to send it again", async () => {
    const { h, board, issue, page } = await setUp();
    const row = new RegExp(`<tr data-issue="${issue.id}"[\\s\\S]*?</tr>`).exec(await page())?.[0] ?? "";
    expect(row).toContain(`<summary>target request of delivery ${issue.deliveryId} (edit sends it again)</summary>`);
    expect(row).toContain("edit &amp; send again");
    expect(row).toContain("&quot;code&quot;: &quot;p2&quot;");
    await board.close();
    await h.close();
  });

  it("refuses a request the operation's schema refuses with 422 naming the field, and sends an accepted one again", async () => {
    const { h, board, issue, act } = await setUp();
    const refused = await act({ why: "code taken", payload: { name: "no code" } });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ error: "the request to erp.createProject does not match its schema, so nothing was changed: code is required" });
    expect((await h.store.issue(issue.id))?.status).toBe("open");

    const accepted = await act({ why: "code taken", payload: { code: "p2-b", name: "Project p2" } });
    expect(accepted.status).toBe(200);
    await h.runtime.drain();
    expect(h.erp.ledger.map((e) => e.body)).toEqual([{ code: "p2-b", name: "Project p2" }]);
    expect((await h.store.issue(issue.id))?.status).toBe("replayed");
    await board.close();
    await h.close();
  });
});
