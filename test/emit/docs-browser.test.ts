import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { scratchProject } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

/** Why the browser check cannot run here, or undefined when it can. */
function missing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  try {
    createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
  } catch {
    return "the mermaid package is not installed (npm install -D mermaid)";
  }
  return undefined;
}

const reason = missing();
if (reason !== undefined) process.stderr.write(`skipping the docs browser check: ${reason}\n`);

describe("spec docs in a browser", () => {
  it.skipIf(reason !== undefined)("renders both diagrams with Mermaid in headless Chromium", async () => {
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
      expect(await page.locator("pre.mermaid svg").count()).toBe(2);
      expect(await page.locator("#route-graph svg").textContent()).toContain("approved-time-to-erp");
      expect(await page.locator("#ownership-map svg").textContent()).toContain("TimeEntry");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      rmSync(project.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
