/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): a running demo's
 * page shows the store's numbers, traces an edit after approval to its reversal and new posting, and
 * an exception resolved from the page lands its postings.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { type Dashboard, startDashboard } from "../../src/dashboard/server.ts";
import { generateMonth } from "../../src/demo/month/generate.ts";
import { type MonthRun, playMonth } from "../../src/demo/play.ts";
import { summarise } from "../../src/demo/summary.ts";
import { compileInMemory, reconciliationsOf } from "../../src/testing/compile-in-memory.ts";
import { loadExpressionCompiler } from "../../src/runtime/expression.ts";
import { projectRoot, shouldRun } from "../../src/testing/environment.ts";

const CHROMIUM = "/usr/bin/chromium";
const runs = shouldRun("chromium", existsSync(CHROMIUM) ? { available: true } : { available: false, reason: `${CHROMIUM} is missing (apt-get install -y chromium)` });

describe.runIf(runs)("the dashboard of a running demo, in chromium", () => {
  let run: MonthRun;
  let dashboard: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const refusedByPolicy: string[] = [];

  beforeAll(async () => {
    await loadExpressionCompiler();
    const program = await loadProgram({ cwd: projectRoot, paths: [join(projectRoot, "specs")] });
    const month = generateMonth({ seed: 7, consultants: 6, projects: 12, timeEntries: 240 });
    run = await playMonth({ month, compiled: compileInMemory(program), reconciliations: reconciliationsOf(program), outageMs: 300 });
    dashboard = await startDashboard({ store: run.store, compiled: run.compiled, runtime: run.runtime, reconciler: run.reconciler, title: "syncspec demo: Halden & Rowe, March 2026" });
    profile = mkdtempSync(join(tmpdir(), "syncspec-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("dialog", (dialog) => dialog.accept("booked to the wrong project, moved by the consultant"));
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) refusedByPolicy.push(message.text());
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await dashboard?.close();
    await run?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  const metric = async (name: string) => (await page.locator(`[data-metric="${name}"]`).textContent())?.trim();

  it("refuses the page without the token, and signs in through its form with it", async () => {
    const response = await page.goto(`${dashboard.url}/`);
    expect(response?.status()).toBe(401);
    await page.fill('input[name="token"]', "not the token");
    await Promise.all([page.waitForEvent("load"), page.click("form[action='/login'] button")]);
    expect(await page.locator("tr[data-system]").count()).toBe(0);
    await page.fill('input[name="token"]', dashboard.token);
    await Promise.all([page.waitForURL(`${dashboard.url}/`), page.click("form[action='/login'] button")]);
    expect(await page.locator("tr[data-system]").count()).toBe(Object.keys(run.compiled.systems).length);
    await context.clearCookies();
  });

  it("shows the store's numbers once signed in with the token", async () => {
    await page.goto(dashboard.loginUrl);
    expect(new URL(page.url()).search).toBe("");
    const counts = await run.store.counts();
    const exceptions = await run.store.listIssues({ kind: "exception", status: "open" });
    expect(await metric("events")).toBe(String(Object.values(counts.events).reduce((a, b) => a + b, 0)));
    expect(await metric("events-routed")).toBe(String(counts.events["routed"]));
    expect(await metric("deliveries-delivered")).toBe(String(counts.deliveries["delivered"]));
    expect(await metric("exceptions-open")).toBe(String(exceptions.length));
    // The tile counts what the demo's summary counts: each disagreement once, whichever reconciliations found it.
    expect(await metric("reconciliation-gaps")).toBe(String((await summarise(run)).reconciliationGaps));
    // Gap rows of a project the runtime kept name the project, not its id.
    const keptGap = run.reconciler
      .latest()
      .flatMap((r) => r.gaps)
      .find((g) => run.month.projects.find((p) => p.projectId === g.group["projectId"])?.contractId !== undefined);
    if (keptGap === undefined) throw new Error("the month has no gap on a project set up from its contract");
    const projectGap = page.locator(`tr.gap[data-gap-key^='projectId=${keptGap.group["projectId"]}'] summary b`).first();
    expect(await projectGap.textContent()).toMatch(/^Project .+ \(.+\), 2026-03$/);
    expect(await page.locator("tr[data-system]").count()).toBe(Object.keys(run.compiled.systems).length);
    // The README's picture is refreshed only when asked, like a golden file; otherwise the
    // screenshot goes to a temporary folder, so a test run leaves the checkout as it was.
    const images = process.env["UPDATE_GOLDEN"] === "1" ? join(projectRoot, "docs", "images") : mkdtempSync(join(tmpdir(), "syncspec-shot-"));
    mkdirSync(images, { recursive: true });
    await page.screenshot({ path: join(images, "dashboard.png"), fullPage: false });
    expect(statSync(join(images, "dashboard.png")).size).toBeGreaterThan(10_000);
  });

  it("traces an edit after approval to the reversal of its cost and the new posting, never a second posting beside the first", async () => {
    const audit = await run.store.auditTrail({ limit: 1_000_000 });
    // Each edited entry's cost journal is reversed, and so is the revenue journal its earlier version raised.
    const reversed = audit.filter((r) => r.action === "posting.reversed" && r.subject.startsWith("posting:time-to-revenue:"));
    expect(audit.filter((r) => r.action === "posting.reversed" && r.subject.startsWith("posting:revenue-recognition:"))).toHaveLength(reversed.length);
    expect(reversed).toHaveLength(run.month.events.filter((e) => e.mess === "edited-after-approval").length);
    for (const reversal of reversed) {
      const timeEntryId = reversal.subject.split(":")[2] as string;
      const journals = run.simulators.erp.journals.filter((j) => String(j["Narration"]).endsWith(`[time ${timeEntryId}]`));
      expect(journals.map((j) => String(j["Narration"]).startsWith("Reversal of "))).toEqual([false, true, false]);
    }
    const accepted = audit.find((r) => r.action === "event.accepted" && r.traceId === reversed[0]?.traceId);
    await page.goto(`${dashboard.url}/trace?event=${accepted?.subject.split(":")[1]}`);
    const actions = await page.locator("tr[data-action-row]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action-row")));
    expect(actions).toContain("posting.reversed");
    expect(actions).toContain("posting.corrected");
    expect(actions.filter((a) => a === "delivery.delivered").length).toBeGreaterThanOrEqual(3);
  });

  it("replays a time entry held for its project from the page, edited onto a project set up from its contract, and its postings land", async () => {
    await page.goto(`${dashboard.url}/`);
    // Invoices held for a client's credit hold and released count as resolved already.
    const resolvedBefore = Number(await metric("exceptions-resolved"));
    const open = await run.store.listIssues({ kind: "exception", status: "open" });
    const held = open.find((i) => i.route === "time-to-revenue" && i.reason.startsWith("no Project reference data"));
    if (held === undefined) throw new Error("the month held no time entry of the project without its contract");
    const entry = held.payload as { timeEntryId: string; projectId: string };
    const moved = run.month.projects.find((p) => p.contractId !== undefined && p.billingModel === "time-and-materials" && p.projectId !== entry.projectId);
    if (moved === undefined) throw new Error("the month has no time-and-materials project with its contract");
    const journals = () => run.simulators.erp.journals.filter((j) => String(j["Narration"]).includes(`[time ${entry.timeEntryId}]`)).length;
    expect(journals()).toBe(0);
    // The payload is edited in its text area, folded in the row's details.
    await page.locator(`tr[data-issue="${held.id}"] details summary`).click();
    await page.locator(`[data-payload="${held.id}"]`).fill(JSON.stringify({ ...entry, projectId: moved.projectId }));
    // The page reloads once the API has answered; the postings may land before that, so the reload
    // is waited for here, or it would interrupt the navigation below.
    const reloaded = page.waitForEvent("load");
    await page.locator(`tr[data-issue="${held.id}"] button[data-action="edit"]`).click();
    await reloaded;
    await expect.poll(async () => (await run.store.issue(held.id ?? 0))?.status, { timeout: 10_000 }).toBe("replayed");
    await expect.poll(journals, { timeout: 30_000 }).toBe(1);
    await page.goto(`${dashboard.url}/`);
    expect(await page.locator(`tr[data-issue="${held.id}"]`).count()).toBe(0);
    expect(await metric("exceptions-resolved")).toBe(String(resolvedBefore + 1));
    const audit = await run.store.auditTrail({ limit: 1_000_000 });
    expect(audit.find((r) => r.action === "issue.replayed" && r.subject === `issue:${held.id}`)).toMatchObject({ actor: "dashboard", detail: { why: "booked to the wrong project, moved by the consultant" } });
  }, 60_000);

  it("traces the replayed event to every downstream posting", async () => {
    const [replayed] = await run.store.listIssues({ kind: "exception", status: "replayed" });
    await page.goto(`${dashboard.url}/trace?event=${replayed?.eventId}`);
    const actions = await page.locator("tr[data-action-row]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action-row")));
    expect(actions).toContain("event.accepted");
    // Every delivery the store audited under the event's trace is on the page, the cost journal at least.
    const accepted = (await run.store.auditTrail({ limit: 1_000_000 })).find((r) => r.action === "event.accepted" && r.subject === `event:${replayed?.eventId}`);
    const delivered = (await run.store.auditTrail({ traceId: accepted?.traceId ?? "", limit: 10_000 })).filter((r) => r.action === "delivery.delivered");
    expect(delivered.length).toBeGreaterThanOrEqual(1);
    expect(actions.filter((a) => a === "delivery.delivered")).toHaveLength(delivered.length);
  });

  it("loads nothing its content security policy refuses", () => {
    expect(refusedByPolicy).toEqual([]);
  });
});
