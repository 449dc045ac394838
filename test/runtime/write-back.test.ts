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

/**
 * The fixture with the write-back announcing `ProjectOpened`, and a route on it that shows the
 * ERP's project id in the PSA (the PSA holds a replica of the field).
 */
function announcing(): Record<string, string> {
  const files = withWriteBack("answer.id");
  return {
    ...files,
    "specs/erp.yaml": (files["specs/erp.yaml"] as string).replace("fields: { erpProjectId: answer.id } }", "fields: { erpProjectId: answer.id }, emit: ProjectOpened }"),
    "specs/psa.yaml": (files["specs/psa.yaml"] as string)
      .replace("  schemas:\n", "  schemas:\n    ErpIdShown: { type: object, required: [erpProjectId], properties: { erpProjectId: { type: string } } }\n")
      .replace(
        "  events:\n",
        '  operations:\n    showErpId: { method: PUT, path: "/projects/{projectId}/erp-id", effect: update, entity: Project, request: ErpIdShown, idempotency: { mechanism: key-header, header: Idempotency-Key } }\n  events:\n',
      ),
    "specs/ownership.yaml": (files["specs/ownership.yaml"] as string).replace("{ erpProjectId: { systemOfRecord: erp } }", "{ erpProjectId: { systemOfRecord: erp, replicas: [psa] } }"),
    "specs/erp-id-to-psa.sync": `mapping erp-id-shown version 1.0.0 team finance-ops {
  from Project
  to psa.ErpIdShown
  expression {{ { "erpProjectId": erpProjectId } }}
}

route erp-id-to-psa version 1.0.0 team finance-ops {
  on canonical ProjectOpened
  key projectId, erpProjectId
  order by projectId
  steps {
    show: deliver psa.showErpId using erp-id-shown with projectId: {{ projectId }}
  }
  retry 3 times fixed 1s..1s
  dead-letter erp-id-dead
  exceptions erp-id-exceptions owner finance-ops
}
`,
  };
}

describe("a write-back's value delivered to the systems that show it", () => {
  it("announces the written-back id with the delivery's settlement, and a route shows it in the PSA once", async () => {
    const { store, erp, psa, runtime, activate } = await setUp(announcing());
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    const [opened] = erp.ledger;
    expect(psa.ledger.map((e) => [e.method, e.path, e.body])).toEqual([["PUT", "/projects/KA-P04/erp-id", { erpProjectId: opened?.id }]]);
    const accepted = (await store.auditTrail()).filter((e) => e.action === "event.accepted").map((e) => (e.detail as { route: string; key: string; source: string }));
    expect(accepted.filter((d) => d.route === "erp-id-to-psa")).toEqual([{ route: "erp-id-to-psa", key: `KA-P04|${opened?.id}`, source: "canonical:ProjectOpened" }]);
    // The same activation again: the ERP answers the same id for the same key, and nothing is shown twice.
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    expect(psa.ledger).toHaveLength(1);
    await store.close();
  });

  it("announces nothing when the answer lacks the written-back field: the delivery is an exception and the PSA is not called", async () => {
    const files = announcing();
    files["specs/erp.yaml"] = (files["specs/erp.yaml"] as string).replace("erpProjectId: answer.id }", "erpProjectId: answer.ProjectID }");
    const { store, erp, psa, runtime, activate } = await setUp(files);
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    expect(erp.ledger).toHaveLength(1);
    expect(psa.ledger).toEqual([]);
    expect((await store.listIssues()).map((i) => [i.queue, i.status])).toEqual([["activation-exceptions", "open"]]);
    expect((await store.auditTrail()).filter((e) => e.action === "event.accepted")).toHaveLength(1);
    await store.close();
  });

  it("announces a new value written back by a later delivery as a new event, shown in turn", async () => {
    const { store, erp, psa, runtime, activate } = await setUp(announcing());
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    await activate("KA-P04", "EUR", "2026-03-09T08:10:00Z");
    await runtime.drain();
    const ids = erp.ledger.map((e) => e.id);
    expect(new Set(ids).size).toBe(2);
    expect(psa.ledger.map((e) => e.body)).toEqual(ids.map((id) => ({ erpProjectId: id })));
    expect(await store.findRecord("Project", "KA-P04")).toMatchObject({ found: true, value: { erpProjectId: ids[1] } });
    await store.close();
  });
});
