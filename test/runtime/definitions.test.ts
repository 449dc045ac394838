import { describe, expect, it } from "vitest";
import { authHeaders, valueResolver } from "../../src/runtime/delivery/auth.ts";
import { ConfigurationError } from "../../src/runtime/errors.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { fixtureDefinitions } from "./harness.ts";

describe("the lowered spec set, compiled in memory", () => {
  it("turns a route's steps, keys and policies into a pipeline with durations in milliseconds", () => {
    const pipeline = fixtureDefinitions().pipelines.find((p) => p.route === "time-to-revenue")!;
    expect(pipeline.trigger).toMatchObject({ kind: "event", system: "psa", event: "timeApproved" });
    expect(pipeline.steps.map((s) => `${s.id}:${s.kind}`)).toEqual(["check:validate", "project-exists:require", "erp-project:enrich", "kind:classify", "cost:deliver", "bill:deliver"]);
    expect(pipeline.steps[1]).toMatchObject({ entity: "Project", system: "erp", key: "projectId", waitMs: 3_600_000 });
    expect(pipeline.policies).toEqual({
      retry: { maxAttempts: 10, backoff: "exponential", initialDelayMs: 100, maxDelayMs: 2000, jitter: "full" },
      circuitBreaker: { failureThreshold: 5, resetAfterMs: 1000, halfOpenProbes: 2 },
      deadLetterQueue: "time-dlq",
      exceptions: { queue: "time-exceptions", owner: "finance-ops" },
    });
  });

  it("compiles a deliver step's params into transforms named after the route, step and parameter", async () => {
    const { pipelines } = compileInMemory(loadProgram({ cwd: projectRoot }));
    const step = pipelines.find((p) => p.route === "payment-status")?.steps.find((s) => s.id === "project-financials");
    if (step?.kind !== "deliver") throw new Error("payment-status has no project-financials deliver step");
    expect(Object.values(step.params ?? {}).map((t) => t.name)).toEqual([
      "payment-status#project-financials.params.projectId",
      "payment-status#project-financials.params.invoiceId",
      "payment-status#project-financials.params.paymentId",
    ]);
    expect(await step.params?.["invoiceId"]?.evaluate({ invoiceId: "inv-7", paymentId: "pay-1" })).toBe("inv-7");
  });

  it("keeps each system's idempotency mechanism, quotas and webhook signature scheme", () => {
    const { systems } = fixtureDefinitions();
    expect(systems["erp"]?.operations["createProject"]?.idempotency).toEqual({ mechanism: "key-header", header: "Idempotency-Key" });
    expect(systems["billing"]?.operations["queueItem"]?.idempotency).toEqual({ mechanism: "upsert", externalIdField: "reference" });
    expect(systems["erp"]?.timeoutMs).toBe(5000);
    expect(systems["psa"]?.events["timeApproved"]?.webhook?.signature).toMatchObject({ scheme: "hmac-sha256-timestamped", toleranceMs: 300_000, timestampHeader: "x-psa-timestamp" });
  });

  it("compiles entity validators whose errors name the field", () => {
    const validate = fixtureDefinitions().validators["TimeEntry"]!;
    expect(validate({ timeEntryId: "t1", projectId: "p1", minutes: 30 })).toEqual({ valid: true, errors: [] });
    expect(validate({ timeEntryId: "t1", minutes: 1.5 })).toEqual({ valid: false, errors: ["projectId is required", "minutes must be integer"] });
  });
});

describe("credentials", () => {
  it("fetches an OAuth 2.0 token once and again shortly before it expires", async () => {
    let now = 0;
    const calls: string[] = [];
    const system = {
      ...fixtureDefinitions().systems["erp"]!,
      auth: { type: "oauth2-client-credentials", tokenUrl: { env: "TOKEN_URL" }, clientId: { env: "CLIENT_ID" }, clientSecret: { secret: "erp/client-secret" }, scopes: ["journals"] },
    };
    const env = { TOKEN_URL: "https://id.test/token", CLIENT_ID: "client", SECRET_ERP_CLIENT_SECRET: "s3cret" };
    const headers = authHeaders(system, valueResolver(env), {
      now: () => now,
      fetchToken: async (url, body) => {
        calls.push(`${url} ${body}`);
        return { access_token: `token-${calls.length}`, expires_in: 3600 };
      },
    });
    expect(await headers()).toEqual({ authorization: "Bearer token-1" });
    now = 3_000_000;
    expect(await headers()).toEqual({ authorization: "Bearer token-1" });
    now = 3_540_001;
    expect(await headers()).toEqual({ authorization: "Bearer token-2" });
    expect(calls[0]).toBe("https://id.test/token grant_type=client_credentials&client_id=client&client_secret=s3cret&scope=journals");
  });

  it("names the missing variable and the field that needs it at start-up", () => {
    const system = { ...fixtureDefinitions().systems["erp"]!, auth: { type: "bearer", token: { secret: "erp/token" } } };
    expect(() => authHeaders(system, valueResolver({}), { now: () => 0 })).toThrow(
      new ConfigurationError("erp.auth.token needs the secret erp/token (or the environment variable SECRET_ERP_TOKEN)"),
    );
  });
});
