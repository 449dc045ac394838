import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { scratchProject } from "./helpers.ts";
import { CHROMIUM, mermaidAvailable } from "./mermaid-browser.ts";

const available = mermaidAvailable();

describe("spec docs in a browser", () => {
  it.runIf(available)("renders both diagrams with Mermaid in headless Chromium", async () => {
    const { chromium } = await import("playwright-core");
    const project = scratchProject();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const result = await runCli(["docs", "--out", "site"], project.dir);
      expect(result.code).toBe(0);
      expect(existsSync(join(project.dir, "site", "mermaid.min.js"))).toBe(true);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(project.dir, "site", "index.html")).href);
      // Page code as text: the project's TypeScript settings have no DOM library.
      await page.waitForFunction("document.body.dataset.diagrams !== undefined", undefined, { timeout: 60_000 });
      expect(await page.evaluate("document.body.dataset.diagrams")).toBe("rendered");
      expect(await page.locator("pre.mermaid svg").count()).toBe(3);
      expect(await page.locator("#flow-route-approved-time-to-erp svg").textContent()).toContain("postJournal");
      expect(await page.locator("#route-graph svg").textContent()).toContain("approved-time-to-erp");
      expect(await page.locator("#ownership-map svg").textContent()).toContain("TimeEntry");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      rmSync(project.dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.runIf(available)("renders every diagram of the example specs readably, with the mappings' lineage, in headless Chromium", async () => {
    const { chromium } = await import("playwright-core");
    const base = join(projectRoot, "test", "emit", ".scratch");
    mkdirSync(base, { recursive: true });
    const site = mkdtempSync(join(base, "site-"));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const result = await runCli(["docs", "--out", site], projectRoot);
      expect(result.code).toBe(0);
      // One diagram per route, the route graph and the ownership map.
      const diagrams = (loadProgram({ cwd: projectRoot }).set?.routes.size ?? 0) + 2;
      expect(diagrams).toBeGreaterThan(2);
      expect(result.stderr).toBe(`docs written to ${site}: ${diagrams + 2} files (index.html, ${diagrams} diagrams, mermaid.min.js)\n`);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(site, "index.html")).href);
      await page.waitForFunction("document.body.dataset.diagrams !== undefined", undefined, { timeout: 90_000 });
      expect(await page.evaluate("document.body.dataset.diagrams")).toBe("rendered");
      expect(errors).toEqual([]);
      // Mermaid draws a bomb icon and "Syntax error in text" in place of a diagram it cannot parse.
      expect(await page.evaluate("document.body.innerText")).not.toMatch(/Syntax error|Parse error/);
      const svgs = page.locator("pre.mermaid svg");
      expect(await svgs.count()).toBe(diagrams);
      // Readable: every diagram is drawn at its natural size (not shrunk to the page width), with labels of 12 px or more.
      const sizes = (await page.evaluate(`[...document.querySelectorAll("pre.mermaid svg")].map((svg) => {
        const box = svg.getBoundingClientRect();
        const label = svg.querySelector(".nodeLabel");
        return { id: svg.parentElement.id, width: box.width, height: box.height, viewBox: svg.viewBox.baseVal.width, font: label === null ? 0 : parseFloat(getComputedStyle(label).fontSize) };
      })`)) as { id: string; width: number; height: number; viewBox: number; font: number }[];
      for (const size of sizes) {
        expect(size.width, size.id).toBeGreaterThan(150);
        expect(size.height, size.id).toBeGreaterThan(100);
        expect(size.width / size.viewBox, size.id).toBeGreaterThan(0.95);
        expect(size.font, size.id).toBeGreaterThanOrEqual(12);
      }
      const shot = await page.locator("#flow-route-time-to-revenue").screenshot();
      // PNG: the width and height are the big-endian words at bytes 16 and 20.
      expect(shot.readUInt32BE(16)).toBeGreaterThan(300);
      expect(shot.readUInt32BE(20)).toBeGreaterThan(600);
      const lineage = page.locator("#mapping-time-entry-to-erp-cost-journal table.lineage");
      expect(await lineage.locator("tr", { hasText: "ManualJournals[].JournalLines[].LineAmount" }).first().textContent()).toContain("costAmount");
      expect(await page.locator("#mapping-time-entry-to-erp-cost-journal ol.tests li").count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
      rmSync(site, { recursive: true, force: true });
    }
  }, 180_000);
});
