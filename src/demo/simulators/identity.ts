/**
 * Credentials the simulators accept: an OAuth 2.0 client-credentials token endpoint (Xero's
 * identity server, shared by the PSA and the ERP), HTTP basic with an API key (Chargebee), and the
 * tenant header a System declares.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseForm } from "./request.ts";

/** The path the token endpoint answers on. */
export const TOKEN_PATH = "/connect/token";

/** Issued tokens and the client credentials that may ask for one. */
export interface Identity {
  /** Serves the token endpoint; returns true when the request was for it. */
  serve(method: string, path: string, body: string, response: ServerResponse): boolean;
  /** A bearer-token check, with the tenant header when one is required. */
  bearer(tenant?: { header: string; value: string }): (headers: IncomingMessage["headers"]) => boolean;
  /** An HTTP basic check whose user name is the API key. */
  basic(apiKey: string): (headers: IncomingMessage["headers"]) => boolean;
  tokensIssued(): number;
}

/** Creates an identity server state for the given client credentials. */
export function createIdentity(clients: Readonly<Record<string, string>>): Identity {
  const tokens = new Set<string>();
  return {
    serve(method, path, body, response) {
      if (path !== TOKEN_PATH) return false;
      const form = parseForm(body) as Record<string, string>;
      const ok = method === "POST" && form["grant_type"] === "client_credentials" && clients[form["client_id"] ?? ""] === form["client_secret"];
      response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      if (!ok) {
        response.end(JSON.stringify({ error: "invalid_client" }));
        return true;
      }
      const token = randomBytes(18).toString("base64url");
      tokens.add(token);
      response.end(JSON.stringify({ access_token: token, expires_in: 1800, token_type: "Bearer" }));
      return true;
    },
    bearer(tenant) {
      return (headers) => {
        const auth = headers.authorization ?? "";
        if (!auth.startsWith("Bearer ") || !tokens.has(auth.slice(7))) return false;
        return tenant === undefined || headers[tenant.header.toLowerCase()] === tenant.value;
      };
    },
    basic(apiKey) {
      return (headers) => {
        const auth = headers.authorization ?? "";
        if (!auth.startsWith("Basic ")) return false;
        return Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")[0] === apiKey;
      };
    },
    tokensIssued: () => tokens.size,
  };
}
