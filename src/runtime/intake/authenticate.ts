/**
 * Checking a webhook sender's credentials: HTTP basic (as Chargebee sends them) or a bearer token,
 * each resolved from its reference when intake starts. Comparisons are over SHA-256 digests of
 * equal length with `timingSafeEqual`, so neither the length nor the first differing byte of a
 * credential shows in the time an answer takes.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ValueResolver } from "../delivery/auth.ts";
import type { WebhookAuthenticationDefinition } from "../pipeline.ts";

/** A sender's credentials, resolved: what the `Authorization` header must carry. */
export type SenderCredentials =
  | { scheme: "basic"; username: Buffer; password: Buffer }
  | { scheme: "bearer"; token: Buffer }
  | { scheme: "none" };

const digest = (value: Buffer | string): Buffer => createHash("sha256").update(value).digest();

/** True when two secrets are equal, in time that depends on neither. */
function same(given: Buffer | string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Resolves the references of a webhook's authentication; a missing value fails at start-up. */
export function resolveSenderCredentials(authentication: WebhookAuthenticationDefinition | undefined, resolve: ValueResolver, field: string): SenderCredentials {
  if (authentication === undefined || "none" in authentication) return { scheme: "none" };
  if ("basic" in authentication) {
    const { username, password } = authentication.basic;
    return {
      scheme: "basic",
      username: Buffer.from(resolve(username, `${field}.basic.username`)),
      password: Buffer.from(resolve(password, `${field}.basic.password`)),
    };
  }
  return { scheme: "bearer", token: Buffer.from(resolve(authentication.bearer.token, `${field}.bearer.token`)) };
}

/** The `WWW-Authenticate` challenge a 401 carries for these credentials. */
export function challengeOf(credentials: SenderCredentials): string | undefined {
  if (credentials.scheme === "basic") return 'Basic realm="syncspec webhooks", charset="UTF-8"';
  if (credentials.scheme === "bearer") return 'Bearer realm="syncspec webhooks"';
  return undefined;
}

/** Checks the `Authorization` header against the credentials; returns why it fails, or undefined. */
export function checkSenderCredentials(credentials: SenderCredentials, authorization: string | undefined): string | undefined {
  if (credentials.scheme === "none") return undefined;
  const match = authorization === undefined ? null : /^([A-Za-z]+) +([^ ]+) *$/.exec(authorization);
  const scheme = credentials.scheme === "basic" ? "Basic" : "Bearer";
  if (match === null || match[1]?.toLowerCase() !== scheme.toLowerCase()) return `the request carries no ${scheme} credentials`;
  const presented = match[2] ?? "";
  if (credentials.scheme === "bearer") return same(presented, credentials.token) ? undefined : "the credentials are not valid";
  const decoded = Buffer.from(presented, "base64");
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return "the credentials are not valid";
  // Both halves are compared whatever the first gives, so the time says nothing about which is wrong.
  const user = same(decoded.subarray(0, colon), credentials.username);
  const password = same(decoded.subarray(colon + 1), credentials.password);
  return user && password ? undefined : "the credentials are not valid";
}
