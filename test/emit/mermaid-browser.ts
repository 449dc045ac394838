/**
 * Mermaid's own parser where it runs for real: the mermaid package's browser bundle in headless
 * Chromium (in Node, Mermaid's sanitiser has no window and cannot parse labels).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { type Availability, shouldRun } from "../../src/testing/environment.ts";

/** Debian's Chromium, which playwright-core drives. */
export const CHROMIUM = "/usr/bin/chromium";

function availability(): Availability {
  if (!existsSync(CHROMIUM)) return { available: false, reason: `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` };
  try {
    createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
  } catch {
    return { available: false, reason: "the mermaid package is not installed (npm install -D mermaid)" };
  }
  return { available: true };
}

/** True when Chromium and Mermaid are here; false (after saying why) when the tests must skip. */
export const mermaidAvailable = (): boolean => shouldRun("Chromium and Mermaid", availability());

/** What Mermaid made of one text: its diagram type, or the error it reported ("Parse error on line N"). */
export type MermaidParse = { type: string } | { error: string };

/** Parses each text with `mermaid.parse` in one headless Chromium page. */
export async function mermaidParse(...texts: string[]): Promise<MermaidParse[]> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js") });
    // Page code as text: the project's TypeScript settings have no DOM library.
    const parseAll = `(texts) => Promise.all(texts.map((t) => mermaid.parse(t).then((r) => (r === false ? { error: "rejected" } : { type: r.diagramType }), (e) => ({ error: String(e && e.message ? e.message : e) }))))`;
    return (await page.evaluate(`(${parseAll})(${JSON.stringify(texts)})`)) as MermaidParse[];
  } finally {
    await browser.close();
  }
}
