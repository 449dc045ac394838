/**
 * Write-back: an operation's answer sets fields of a kept record (the ERP's project id on the
 * project kept from its activation), audited, kept across later keeps of the record; an answer
 * lacking a written-back field is an exception naming it, and nothing is written. An answer that
 * comes before its record is kept is held pending: no lookup finds the record until it is kept,
 * and its first keep takes the fields in.
 */
import { describe, expect, it } from "vitest";
import { FILES, setUp } from "./state-fixture.ts";

/** The fixture with an ERP operation that opens the project and writes its id back. */
function withWriteBack(field: string): Record<string, string> {
  return {
    ...FILES,
    "specs/erp.yaml": (FILES["specs/erp.yaml"] as string).replace(
      "  operations:\n",
      `  operations:
    openProject:
      method: POST
      path: /projects
      effect: create
      request: ErpProject
      idempotency: { mechanism: key-header, header: Idempotency-Key }
      writeBack: { entity: Project, key: request.code, fields: { erpProjectId: ${field} } }
`,
    ).replace("  schemas:\n", "  schemas:\n    ErpProject: { type: object, required: [code], properties: { code: { type: string } } }\n"),
    "specs/entities.yaml": (FILES["specs/entities.yaml"] as string).replace(
      "    activatedAt: { type: datetime, required: true }\n",
      "    activatedAt: { type: datetime, required: true }\n    erpProjectId: { type: string }\n",
    ),
    "specs/ownership.yaml": `apiVersion: syncspec.dev/v1
kind: Ownership
metadata: { name: project, version: 1.0.0, team: finance-ops }
spec:
  entity: Project
  systemOfRecord: psa
  steward: finance-ops
  create: [psa, erp]
  fields: { erpProjectId: { systemOfRecord: erp } }
`,
    "specs/activation.sync": (FILES["specs/activation.sync"] as string)
      .replace("    keep-project: keep Project version activatedAt\n", "    keep-project: keep Project version activatedAt\n    open: deliver erp.openProject using project-to-erp\n")
      .replace("route project-activation", `mapping project-to-erp version 1.0.0 team finance-ops {
  from Project
  to erp.ErpProject
  expression {{ { "code": projectId } }}
}

route project-activation`),
  };
}

describe("write-back", () => {
  it("sets the ERP's project id on the kept project, audited, and keeps it when the project is kept again", async () => {
    const { store, erp, runtime, activate } = await setUp(withWriteBack("answer.id"));
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    const [opened] = erp.ledger;
    expect(opened?.body).toEqual({ code: "KA-P04" });
    expect(await store.findRecord("Project", "KA-P04")).toMatchObject({ found: true, value: { currency: "EUR", erpProjectId: opened?.id } });
    const written = (await store.auditTrail()).filter((e) => e.action === "record.written-back");
    expect(written.map((e) => [e.actor, e.subject, e.detail])).toEqual([["erp.openProject", "record:Project:KA-P04", { fields: { erpProjectId: opened?.id } }]]);
    await activate("KA-P04", "GBP", "2026-03-05T09:00:00Z");
    await runtime.drain();
    expect(await store.findRecord("Project", "KA-P04")).toMatchObject({ found: true, value: { currency: "GBP", erpProjectId: expect.any(String) } });
    await store.close();
  });

  it("holds a delivery whose answer lacks the written-back field as an exception naming it, and writes nothing", async () => {
    const { store, erp, runtime, activate } = await setUp(withWriteBack("answer.ProjectID"));
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    expect(erp.ledger).toHaveLength(1);
    expect((await store.findRecord("Project", "KA-P04")) as { value: Record<string, unknown> }).not.toHaveProperty("value.erpProjectId");
    expect((await store.listIssues()).map((i) => i.reason)).toEqual([
      'erp.openProject applied the request, but its answer lacks Project.erpProjectId (answer.ProjectID gave nothing); a retry sends the same idempotency key',
    ]);
    await store.close();
  });

  it("holds an answer written back before its record is kept as pending: no lookup finds the record, and its first keep takes the field in", async () => {
    const files = withWriteBack("answer.id");
    // The EUR activation opens the ERP project but keeps nothing; the GBP one keeps the project and opens nothing.
    files["specs/activation.sync"] = (files["specs/activation.sync"] as string)
      .replace("    keep-project: keep Project version activatedAt\n", '    keep-project: keep Project version activatedAt when {{ currency = "GBP" }}\n')
      .replace("    open: deliver erp.openProject using project-to-erp\n", '    open: deliver erp.openProject using project-to-erp when {{ currency = "EUR" }}\n');
    const { store, erp, runtime, activate } = await setUp(files);
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    const [opened] = erp.ledger;
    expect(opened?.body).toEqual({ code: "KA-P04" });
    expect(await store.findRecord("Project", "KA-P04")).toEqual({ found: false });
    expect(await store.keptRecords("Project")).toEqual([]);
    const written = (await store.auditTrail()).filter((e) => e.action === "record.written-back");
    expect(written.map((e) => [e.subject, e.detail])).toEqual([["record:Project:KA-P04", { fields: { erpProjectId: opened?.id }, pending: true }]]);
    await activate("KA-P04", "GBP", "2026-03-05T09:00:00Z");
    await runtime.drain();
    expect(erp.ledger).toHaveLength(1);
    expect(await store.findRecord("Project", "KA-P04")).toMatchObject({ found: true, value: { projectId: "KA-P04", currency: "GBP", erpProjectId: opened?.id } });
    const [kept] = await store.keptRecords("Project");
    expect(kept?.version).toBe(Date.parse("2026-03-05T09:00:00Z"));
    await store.close();
  });

  it("keeps a record of version 0 when only a pending write-back came before it", async () => {
    const files = withWriteBack("answer.id");
    files["specs/entities.yaml"] = (files["specs/entities.yaml"] as string).replace("    erpProjectId: { type: string }\n", "    erpProjectId: { type: string }\n    revision: { type: integer }\n");
    files["specs/activation.sync"] = (files["specs/activation.sync"] as string)
      .replace('"activatedAt": activatedAt } }}', '"activatedAt": activatedAt, "revision": currency = "GBP" ? 0 : 1 } }}')
      .replace("    keep-project: keep Project version activatedAt\n", '    keep-project: keep Project version revision when {{ currency = "GBP" }}\n')
      .replace("    open: deliver erp.openProject using project-to-erp\n", '    open: deliver erp.openProject using project-to-erp when {{ currency = "EUR" }}\n');
    const { store, runtime, activate } = await setUp(files);
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    await activate("KA-P04", "GBP", "2026-03-05T09:00:00Z");
    await runtime.drain();
    expect(await store.keptRecords("Project")).toMatchObject([{ key: "KA-P04", version: 0, value: { currency: "GBP", revision: 0 } }]);
    expect(await store.findRecord("Project", "KA-P04")).toMatchObject({ found: true, value: { currency: "GBP", erpProjectId: expect.any(String) } });
    await store.close();
  });
});
