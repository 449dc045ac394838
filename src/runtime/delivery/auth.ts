/**
 * Credentials on every request, resolved at start-up from the references a System declares:
 * bearer tokens, API keys, basic auth, and OAuth 2.0 client credentials (the token is fetched
 * once and reused until shortly before it expires), plus a tenant header where one is declared.
 */
import { ConfigurationError, TokenRequestError } from "../errors.ts";
import type { SystemDefinition, ValueRef } from "../pipeline.ts";

/** Resolves `{ env }` and `{ secret }` references. */
export type ValueResolver = (ref: ValueRef, field: string) => string;

/**
 * A resolver over an environment: `{ env: NAME }` reads NAME (or its default); `{ secret: a/b-c }`
 * reads the variable SECRET_A_B_C unless `secrets` knows it. A missing value names the field.
 */
export function valueResolver(env: Readonly<Record<string, string | undefined>>, secrets?: (name: string) => string | undefined): ValueResolver {
  return (ref, field) => {
    if ("env" in ref) {
      const value = env[ref.env] ?? ref.default;
      if (value === undefined) throw new ConfigurationError(`${field} needs the environment variable ${ref.env}`);
      return value;
    }
    const variable = `SECRET_${ref.secret.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
    const value = secrets?.(ref.secret) ?? env[variable];
    if (value === undefined) throw new ConfigurationError(`${field} needs the secret ${ref.secret} (or the environment variable ${variable})`);
    return value;
  };
}

/**
 * Produces the authentication headers of one system: at once for fixed credentials, once a token
 * is at hand for OAuth.
 */
export type AuthHeaders = () => Record<string, string> | Promise<Record<string, string>>;

interface OAuthToken {
  value: string;
  expiresAt: number;
}

/** Builds a system's header source; credentials are resolved now, so a missing one fails at start-up. */
export function authHeaders(
  system: SystemDefinition,
  resolve: ValueResolver,
  options: { now: () => number; fetchToken?: (url: string, body: string) => Promise<{ access_token: string; expires_in?: number }> },
): AuthHeaders {
  const auth = system.auth as { type: string } & Record<string, ValueRef | string | undefined | unknown>;
  const ref = (name: string): string => {
    const value = auth[name] as ValueRef | undefined;
    if (value === undefined) throw new ConfigurationError(`${system.name}.auth.${name} is required for ${auth.type}`);
    return resolve(value, `${system.name}.auth.${name}`);
  };
  const extra: Record<string, string> = {};
  const tenant = auth["tenantHeader"] as { name: string; value: ValueRef } | undefined;
  if (tenant !== undefined) extra[tenant.name] = resolve(tenant.value, `${system.name}.auth.tenantHeader.value`);
  switch (auth.type) {
    case "bearer": {
      const headers = { ...extra, authorization: `Bearer ${ref("token")}` };
      return () => headers;
    }
    case "api-key": {
      const headers = { ...extra, [String(auth["header"] ?? "X-Api-Key")]: ref("key") };
      return () => headers;
    }
    case "basic": {
      const headers = { ...extra, authorization: `Basic ${Buffer.from(`${ref("username")}:${ref("password")}`).toString("base64")}` };
      return () => headers;
    }
    case "oauth2-client-credentials": {
      const tokenUrl = ref("tokenUrl");
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: ref("clientId"), client_secret: ref("clientSecret") });
      const scopes = auth["scopes"] as string[] | undefined;
      if (scopes !== undefined) form.set("scope", scopes.join(" "));
      const fetchToken =
        options.fetchToken ??
        (async (url: string, body: string) => {
          const response = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
          if (!response.ok) throw new TokenRequestError(`${system.name}: the token endpoint answered ${response.status}`);
          return (await response.json()) as { access_token: string; expires_in?: number };
        });
      let token: OAuthToken | undefined;
      return async () => {
        const now = options.now();
        if (token === undefined || now >= token.expiresAt) {
          const answer = await fetchToken(tokenUrl, form.toString());
          // Refresh a minute early so a token never expires in flight.
          token = { value: answer.access_token, expiresAt: now + Math.max(0, (answer.expires_in ?? 3600) - 60) * 1000 };
        }
        return { ...extra, authorization: `Bearer ${token.value}` };
      };
    }
    default:
      return () => extra;
  }
}
