/** Live list endpoints over HTTP and a spec set whose reconciliation reads them, for the live reconciliation tests. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FIXTURE_FILES } from "../runtime/fixture.ts";

type Item = Record<string, unknown>;

/** The PSA's approved time (page numbers) and the ERP's journals (cursor), as lists served over HTTP. */
export interface Lists {
  psa: Item[];
  erp: Item[];
  /** Answers this status instead of the n-th page of the ERP (1-based), when set. */
  failErpPage?: { page: number; status: number };
  /** Answers the first `times` requests of the ERP's n-th page 429 with this Retry-After, when set. */
  throttleErpPage?: { page: number; retryAfter: string; times: number };
  /** Journals per ERP page (default 2). */
  erpPageSize?: number;
}

export async function serveLists(lists: Lists): Promise<{ psaUrl: string; erpUrl: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  let erpPage = 0;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    if (url.pathname === "/psa/time") {
      const page = Number(url.searchParams.get("page") ?? "1");
      const size = Number(url.searchParams.get("pageSize") ?? "100");
      const from = url.searchParams.get("dateAfter") ?? "0000";
      const to = url.searchParams.get("dateBefore") ?? "9999";
      const inPeriod = lists.psa.filter((i) => String(i["date"]) >= from && String(i["date"]) <= to);
      return send(200, { pagination: { page }, items: inPeriod.slice((page - 1) * size, page * size) });
    }
    if (url.pathname === "/erp/journals") {
      erpPage += 1;
      const throttle = lists.throttleErpPage;
      const cursorOf = Number(url.searchParams.get("cursor") ?? "0");
      if (throttle !== undefined && throttle.times > 0 && cursorOf === (throttle.page - 1) * (lists.erpPageSize ?? 2)) {
        throttle.times -= 1;
        return send(429, { message: "rate limit exceeded" }, { "retry-after": throttle.retryAfter });
      }
      if (lists.failErpPage !== undefined && erpPage === lists.failErpPage.page) return send(lists.failErpPage.status, { error: "busy" });
      const start = Number(url.searchParams.get("cursor") ?? "0");
      const size = lists.erpPageSize ?? 2;
      const next = start + size < lists.erp.length ? String(start + size) : null;
      return send(200, { list: lists.erp.slice(start, start + size), next_offset: next });
    }
    send(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { psaUrl: `${base}/psa`, erpUrl: `${base}/erp`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const SYSTEMS = {
  "specs/psa.yaml": (FIXTURE_FILES["specs/psa.yaml"] as string).replace(
    "  events:\n",
    `  operations:
    listTime: { method: GET, path: /time, effect: read, entity: TimeEntry }
  events:
`,
  ),
  "specs/erp.yaml": (FIXTURE_FILES["specs/erp.yaml"] as string).replace(
    "  operations:\n",
    `  operations:
    listJournals: { method: GET, path: /journals, effect: read, entity: TimeEntry }
`,
  ),
  "specs/read-mappings.yaml": `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: psa-time-read, version: 1.0.0, team: delivery-ops }
spec:
  source: { system: psa, schema: Time }
  target: { entity: TimeEntry }
  expression: '{ "timeEntryId": timeEntryId, "projectId": projectId, "minutes": minutes, "date": date }'
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: erp-journal-read, version: 1.0.0, team: delivery-ops }
spec:
  source: { system: erp, schema: Journal }
  target: { entity: TimeEntry }
  expression: '{ "timeEntryId": reference, "projectId": projectId, "minutes": $number(minutes), "date": date }'
`,
};

export const RECONCILIATION = `apiVersion: syncspec.dev/v1
kind: Reconciliation
metadata: { name: time-journals, version: 1.0.0, team: delivery-ops }
spec:
  every: 1h
  groupBy: [projectId]
  period: month
  periodField: date
  sources:
    - name: approved-time
      system: psa
      entity: TimeEntry
      measure: minutes
      read:
        operation: listTime
        items: items
        pagination: { style: page, param: page, sizeParam: pageSize, size: 2 }
        period: { from: dateAfter, to: dateBefore }
        mapping: psa-time-read
    - name: journals
      system: erp
      entity: TimeEntry
      measure: minutes
      read:
        operation: listJournals
        pagination: { style: cursor, param: cursor, next: next_offset }
        mapping: erp-journal-read
  tolerance: { absolute: "0" }
  onMismatch: { queue: time-gaps, owner: finance-ops }
`;

export function specFiles(reconciliation = RECONCILIATION): Record<string, string> {
  const timeEntry = (FIXTURE_FILES["specs/time-entry.yaml"] as string).replace("    billable: { type: boolean }\n", "    billable: { type: boolean }\n    date: { type: string }\n");
  const psa = SYSTEMS["specs/psa.yaml"].replace("        seq: { type: integer }\n", "        seq: { type: integer }\n        date: { type: string }\n");
  const erp = SYSTEMS["specs/erp.yaml"].replace(
    "    Journal: { type: object, required: [projectId, minutes], properties: { projectId: { type: string }, minutes: { type: integer } } }",
    "    Journal: { type: object, required: [projectId, minutes], properties: { projectId: { type: string }, minutes: { type: integer }, reference: { type: string }, date: { type: string } } }",
  );
  return { ...SYSTEMS, "specs/psa.yaml": psa, "specs/erp.yaml": erp, "specs/time-entry.yaml": timeEntry, "specs/reconciliation.yaml": reconciliation };
}

export const time = (id: string, projectId: string, minutes: number, date = "2026-03-10") => ({ timeEntryId: id, projectId, minutes, date });
export const journal = (id: string, projectId: string, minutes: number, date = "2026-03-10") => ({ reference: id, projectId, minutes: String(minutes), date });

