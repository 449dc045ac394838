/** grammar/railroad.html draws its diagrams with the network cut off: nothing loads from a CDN. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/testing/environment.ts";

const CHROMIUM = "/usr/bin/chromium";
const reason = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
if (reason !== undefined) process.stderr.write(`skipping the railroad browser check: ${reason}\n`);

describe("the railroad diagram page", () => {
  it.skipIf(reason !== undefined)("draws every rule offline in headless Chromium", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const errors: string[] = [];
      const requested: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) requested.push(request.url());
      });
      await page.goto(pathToFileURL(join(projectRoot, "grammar/railroad.html")).href);
      // Page code as text: the project's TypeScript settings have no DOM library.
      await page.waitForFunction("document.querySelectorAll('#diagrams svg').length > 0", undefined, { timeout: 60_000 });
      const rules = Number(await page.evaluate("window.serializedGrammar.length"));
      expect(rules).toBeGreaterThan(20);
      expect(await page.locator("#diagrams svg").count()).toBe(rules);
      expect(await page.locator("#diagrams").textContent()).toContain("routeDocument");
      expect(requested).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
