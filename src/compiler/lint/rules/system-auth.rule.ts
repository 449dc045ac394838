/** API governance: every system authenticates, and names every credential its auth type needs. */
import type { Auth } from "../../../model/system.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

const NEEDS: Readonly<Record<string, readonly (keyof Auth)[]>> = {
  "oauth2-client-credentials": ["tokenUrl", "clientId", "clientSecret"],
  "api-key": ["header", "key"],
  basic: ["username", "password"],
  bearer: ["token"],
  none: [],
};

export const systemAuthRule: LintRule = {
  name: "system-auth",
  severity: "error",
  description: "Every system declares how it authenticates (not `none`) and references each credential that needs.",
  docs: ruleDocs("system-auth"),
  category: "api",
  recommended: true,
  rationale:
    "Every system the integration calls must authenticate, with each credential referenced from the environment or the secret store, so the runtime can call it and nobody pastes a key into a spec.",
  examples: {
    failing: "auth:\n  type: oauth2-client-credentials\n  clientId: { env: ERP_CLIENT_ID }",
    passing: "auth:\n  type: oauth2-client-credentials\n  tokenUrl: { env: ERP_TOKEN_URL, default: \"https://identity.example.com/connect/token\" }\n  clientId: { env: ERP_CLIENT_ID }\n  clientSecret: { secret: erp/client-secret }",
  },
  check({ set, report }) {
    for (const system of set.systems.values()) {
      const auth = system.value.spec.auth;
      if (auth.type === "none") {
        report({ document: system, path: ["spec", "auth", "type"], message: `system ${system.name} declares no authentication (auth.type: none)` });
        continue;
      }
      const missing = (NEEDS[auth.type] ?? []).filter((key) => auth[key] === undefined);
      if (missing.length === 0) continue;
      report({
        document: system,
        path: ["spec", "auth"],
        part: "key",
        message: `auth type ${auth.type} needs ${missing.map((m) => `'${m}'`).join(", ")}`,
      });
    }
  },
};
