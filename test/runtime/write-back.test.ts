/**
 * Write-back: an operation's answer sets fields of a kept record (the ERP's project id on the
 * project kept from its activation), audited, kept across later keeps of the record; an answer
 * lacking a written-back field is an exception naming it, and nothing is written.
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
    expect(written.map((e) => [e.actor, e.subject, e.detail])).toEqual([["erp.openProject", "record:Project:KA-P04", { fields: { erpProjectId: opened?.id }, created: false }]]);
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
});
