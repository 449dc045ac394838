/**
 * The contract test: each vendor's published OpenAPI document is served by Prism in mock mode
 * with request validation errors as failures; every operation syncspec imports from it gets a
 * request built by a JSONata mapping from canonical data, encoded as the operation declares and
 * authenticated as the System declares. Prism must accept every one.
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOpenApi } from "../../src/compiler/import/import-openapi.ts";
import { readOpenApiDocument } from "../../src/compiler/import/openapi-document.ts";
import type { SystemDocument } from "../../src/model/system.ts";
import { sharedAvailable, sharedPath, shouldRun } from "../../src/testing/environment.ts";
import { VENDOR_IMPORTS } from "../import/workflows.ts";
import { BROKEN, CANONICAL, MAPPINGS } from "./canonical.ts";
import { type BodyChecker, createBodyChecker } from "./document-schema.ts";
import { prismAvailability, type PrismServer, servedDocument, startPrism } from "./prism.ts";
import { buildRequest, evaluateMapping, type HttpRequest, type MappedRequest } from "./requests.ts";

const run =
  shouldRun("the vendors' OpenAPI documents in ../shared", sharedAvailable("real-world", "openapi")) &&
  shouldRun("Prism (@stoplight/prism-cli)", prismAvailability());

interface Outcome {
  status: number;
  violations: string | null;
  /** The violations header and the body: Prism states some refusals only in a problem+json body. */
  detail: string;
}

async function send(request: HttpRequest): Promise<Outcome> {
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body !== undefined) init.body = request.body;
  const response = await fetch(request.url, init);
  const body = await response.text();
  const violations = response.headers.get("sl-violations");
  return { status: response.status, violations, detail: `${violations ?? ""} ${response.status >= 400 ? body.slice(0, 2000) : ""}` };
}

describe.runIf(run)("requests built from canonical data are accepted by the vendors' documents (Prism)", () => {
  const servers = new Map<string, PrismServer>();
  const systems = new Map<string, SystemDocument>();
  const checkers = new Map<string, BodyChecker>();
  const served: string[] = [];

  beforeAll(async () => {
    // Started together: the three documents load in parallel. Every server that started is
    // kept for afterAll to stop, even when another failed.
    const started = await Promise.allSettled(
      VENDOR_IMPORTS.map(async (vendor) => {
        const path = sharedPath(...vendor.document);
        const [document, reason] = readOpenApiDocument(path);
        if (document === undefined) throw new Error(`${path}: ${reason}`);
        checkers.set(vendor.system, createBodyChecker(document));
        systems.set(vendor.system, importOpenApi(document, { system: vendor.system, role: vendor.role, operations: vendor.operations }).document);
        const file = servedDocument(document.root, vendor.operations);
        served.push(file);
        servers.set(vendor.system, await startPrism(file, { dynamic: vendor.system === "chargebee", timeoutMs: 150_000 }));
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    for (const file of served) rmSync(dirname(file), { recursive: true, force: true });
  });

  async function requestFor(system: string, operation: string, mapping: string): Promise<{ request: HttpRequest; mapped: MappedRequest }> {
    const doc = systems.get(system) as SystemDocument;
    const op = doc.spec.operations?.[operation];
    if (op === undefined) throw new Error(`${system} has no operation ${operation}`);
    const mapped = (await evaluateMapping(mapping, CANONICAL)) as MappedRequest;
    return { request: buildRequest(servers.get(system)?.url ?? "", operation, op, doc.spec.auth, mapped), mapped };
  }

  it.each(VENDOR_IMPORTS.map((v) => v.system))("%s: every imported operation has a mapping", (system) => {
    expect(Object.keys(MAPPINGS[system] ?? {}).sort()).toEqual(Object.keys(systems.get(system)?.spec.operations ?? {}).sort());
  });

  it.each(VENDOR_IMPORTS.map((v) => v.system))(
    "%s: Prism accepts the request of every imported operation (2xx, no violation)",
    async (system) => {
      const failures: string[] = [];
      for (const [operation, mapping] of Object.entries(MAPPINGS[system] ?? {})) {
        const { request, mapped } = await requestFor(system, operation, mapping);
        const problems = mapped.body === undefined ? [] : (checkers.get(system)?.check(operation, mapped.body) ?? []);
        if (problems.length > 0) failures.push(`${operation}: the body does not conform to the document: ${problems.join("; ")}`);
        const outcome = await send(request);
        if (outcome.status < 200 || outcome.status > 299 || outcome.violations !== null) {
          failures.push(`${operation}: ${request.method} ${request.url.replace(/^http:\/\/[^/]+/, "")} -> ${outcome.status} ${outcome.detail.trim()}`);
        }
      }
      expect(failures).toEqual([]);
    },
    150_000,
  );

  it.each(VENDOR_IMPORTS.map((v) => v.system))("%s: requests the document forbids are refused (the validation is live)", async (system) => {
    for (const broken of BROKEN[system] ?? []) {
      const { request, mapped } = await requestFor(system, broken.operation, broken.mapping);
      if (broken.prism !== undefined) {
        const outcome = await send(request);
        expect([400, 422], `${broken.operation} answered ${outcome.status}`).toContain(outcome.status);
        expect(outcome.detail).toMatch(broken.prism);
      }
      if (broken.document !== undefined) expect(checkers.get(system)?.check(broken.operation, mapped.body).join("; ")).toMatch(broken.document);
    }
  }, 60_000);

  it("sends Chargebee's nested form fields as it reads them", async () => {
    const { request } = await requestFor("chargebee", "create_an_invoice", MAPPINGS["chargebee"]?.["create_an_invoice"] ?? "");
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(decodeURIComponent(request.body ?? "").split("&")).toEqual([
      "customer_id=CL-1001",
      "po_number=PRJ-0042",
      "charges[amount][0]=22500",
      "charges[amount][1]=4250",
      "charges[description][0]=Design+workshop,+1.5+h",
      "charges[description][1]=Travel",
    ]);
  });
});
