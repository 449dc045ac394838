/**
 * Security schemes and servers become the System's auth and base URL. Every credential is a
 * reference (`{ secret: <system>/<what> }`), never a value; URLs and client ids, which are not
 * secret, are environment variables with the document's value as the default.
 */
import type { Auth } from "../../model/system.ts";
import type { OpenApiDocument } from "./openapi-document.ts";
import { type ImportedOperation, securityScheme, tenantHeaderOf } from "./operations.ts";

/** `xero-projects` → `XERO_PROJECTS`, the prefix of the System's environment variables. */
export function envPrefix(system: string): string {
  const upper = system.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return /^[A-Z_]/.test(upper) ? upper : `_${upper}`;
}

type ValueRef = NonNullable<Auth["token"]>;

/** The base URL: the first server, its variables set to their defaults. */
export function baseUrlOf(document: OpenApiDocument, system: string, notes: string[]): ValueRef {
  const env = `${envPrefix(system)}_BASE_URL`;
  const servers = document.root["servers"];
  const server = Array.isArray(servers) ? (servers[0] as { url?: unknown; variables?: Record<string, { default?: unknown }> }) : undefined;
  if (server === undefined || typeof server.url !== "string") {
    notes.push(`spec.baseUrl: the document names no server; set ${env} or write a default`);
    return { env };
  }
  const url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = server.variables?.[name]?.default;
    return value === undefined ? whole : String(value);
  });
  const withoutDefaultPort = url.replace(/^(https:\/\/[^/:]+):443(?=\/|$)/, "$1");
  if (!/^https?:\/\//.test(withoutDefaultPort)) {
    notes.push(`spec.baseUrl: the document's server '${server.url}' is not an absolute URL; set ${env} or write a default`);
    return { env };
  }
  return { env, default: withoutDefaultPort };
}

/** The auth declaration for the schemes the imported operations use. */
export function authOf(document: OpenApiDocument, system: string, operations: readonly ImportedOperation[], notes: string[]): Auth {
  const prefix = envPrefix(system);
  const uses = operations.flatMap((o) => o.security);
  const tenant = tenantHeaderOf(operations);
  const withTenant = (auth: Auth): Auth => (tenant === undefined ? auth : { ...auth, tenantHeader: { name: tenant, value: { env: `${prefix}_TENANT_ID` } } });
  const first = uses[0];
  if (first === undefined) {
    notes.push("spec.auth: the operations declare no security scheme; declare how the runtime authenticates");
    return withTenant({ type: "none" });
  }
  const scheme = securityScheme(document, first.scheme);
  const type = scheme?.["type"];
  if (type === "oauth2" || type === "openIdConnect") {
    const flows = (scheme?.["flows"] ?? {}) as Record<string, { tokenUrl?: unknown }>;
    const tokenUrl = flows["clientCredentials"]?.tokenUrl ?? Object.values(flows).find((f) => typeof f?.tokenUrl === "string")?.tokenUrl;
    if (flows["clientCredentials"] === undefined) {
      notes.push(
        `spec.auth: the document's ${first.scheme} scheme offers no client-credentials flow; the runtime uses client credentials (a machine-to-machine app): check the vendor supports it`,
      );
    }
    const scopes = [...new Set(uses.filter((u) => u.scheme === first.scheme).flatMap((u) => u.scopes))].sort();
    const auth: Auth = {
      type: "oauth2-client-credentials",
      tokenUrl: typeof tokenUrl === "string" ? { env: `${prefix}_TOKEN_URL`, default: tokenUrl } : { env: `${prefix}_TOKEN_URL` },
      clientId: { env: `${prefix}_CLIENT_ID` },
      clientSecret: { secret: `${system}/client-secret` },
    };
    if (scopes.length > 0) auth.scopes = scopes;
    return withTenant(auth);
  }
  if (type === "http" && String(scheme?.["scheme"]).toLowerCase() === "basic") {
    return withTenant({ type: "basic", username: { secret: `${system}/username` }, password: { secret: `${system}/password` } });
  }
  if (type === "http" && String(scheme?.["scheme"]).toLowerCase() === "bearer") {
    return withTenant({ type: "bearer", token: { secret: `${system}/token` } });
  }
  if (type === "apiKey" && scheme?.["in"] === "header" && typeof scheme["name"] === "string") {
    return withTenant({ type: "api-key", header: scheme["name"], key: { secret: `${system}/api-key` } });
  }
  notes.push(`spec.auth: the document's ${first.scheme} scheme (${String(type)}) has no syncspec equivalent; declare how the runtime authenticates`);
  return withTenant({ type: "none" });
}
