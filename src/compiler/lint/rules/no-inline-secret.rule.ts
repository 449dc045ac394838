/**
 * API governance: no secret written in a spec. Like gitleaks' generic-api-key rule, a value is a
 * likely secret when it sits under a secret-sounding key (or follows one in text) and looks
 * random: 10 to 150 token characters with a Shannon entropy of at least 3.5 bits per character.
 */
import type { PathSegment } from "../../parse/document.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

const KEYWORD = /(access|auth|api|credential|creds|key|passw(or)?d|pwd|secret|token|private)/i;
const TOKEN = /^[\w.=+/-]{10,150}$/;
const IN_TEXT = /(?:access|auth|api|credential|creds|key|passw(?:or)?d|pwd|secret|token)[\w-]{0,20}["']?\s*(?::|=|:=|=>)\s*["']?([\w.=+/-]{10,150})/gi;
const DEFAULT_ENTROPY = 3.5;

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function looksRandom(value: string, threshold: number): boolean {
  // Words joined by dashes (`Idempotency-Key`) and plain identifiers are not secrets.
  return TOKEN.test(value) && /\d/.test(value) && shannonEntropy(value) >= threshold;
}

export const noInlineSecretRule: LintRule = {
  name: "no-inline-secret",
  severity: "error",
  description: "No credential is written in a spec: secrets are references ({ secret: name } or { env: NAME }).",
  docs: ruleDocs("no-inline-secret"),
  category: "api",
  recommended: true,
  rationale:
    "Specs live in git and are read by many; a credential written in one is leaked. Like gitleaks' generic-api-key rule, the linter flags values under secret-sounding keys that look random (entropy of at least 3.5 bits per character).",
  examples: {
    failing: "auth:\n  type: api-key\n  header: X-Api-Key\n  key: { env: ERP_API_KEY, default: \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\" }",
    passing: "auth:\n  type: api-key\n  header: X-Api-Key\n  key: { secret: erp/api-key }",
  },
  check({ set, report, options }) {
    const threshold = typeof options["entropy"] === "number" ? options["entropy"] : DEFAULT_ENTROPY;
    for (const doc of set.documents) {
      const visit = (value: unknown, path: PathSegment[], label: string) => {
        if (typeof value === "string") {
          if (KEYWORD.test(label) && looksRandom(value, threshold)) {
            report({ document: doc, path, message: "this value looks like a secret written inline; reference it with { secret: name } instead" });
            return;
          }
          if (value.length < 10 || !KEYWORD.test(value)) return;
          for (const match of value.matchAll(IN_TEXT)) {
            const candidate = match[1] ?? "";
            if (!looksRandom(candidate, threshold)) continue;
            const offsets = doc.source.stringOffsets?.(path);
            const at = (match.index ?? 0) + match[0].length - candidate.length;
            const range = offsets === undefined ? undefined : { start: offsets(at), end: offsets(at + candidate.length) };
            const message = "this text contains what looks like a secret; reference it with { secret: name } instead";
            report({ document: doc, path, message, ...(range === undefined ? {} : { range }) });
            return;
          }
          return;
        }
        if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i], label));
        else if (value !== null && typeof value === "object") {
          const record = value as Record<string, unknown>;
          // A default under { env: NAME } is judged by the variable's name.
          const envName = typeof record["env"] === "string" ? record["env"] : undefined;
          for (const [k, v] of Object.entries(record)) visit(v, [...path, k], k === "default" && envName !== undefined ? `${label}.${envName}` : k);
        }
      };
      visit(doc.value, [], "");
    }
  },
};
