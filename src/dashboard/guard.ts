/**
 * Who may use the dashboard, and which requests may change something. A request is signed in by
 * the token: an `Authorization: Bearer` header (scripts, `spec status`), or the session cookie a
 * browser gets by signing in once. The cookie holds a random session id that ends, never the
 * token: cookies do not tell ports apart, and a page on another port of the host receives it.
 * The browser sends it on its own, also with requests another page makes (SameSite does not
 * separate ports of one host either), so a state-changing request signed in by the cookie must
 * also come from the dashboard's own page: its `Origin` (or `Referer`) is one of the dashboard's
 * origins, and it carries the session's CSRF token in a header no other page can set without the
 * dashboard's consent. A body must be JSON, which a plain HTML form cannot send.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The cookie a signed-in browser carries. */
export const SESSION_COOKIE = "syncspec_session";

/** How long a browser stays signed in. */
export const SESSION_MS = 12 * 60 * 60 * 1000;

/** Sessions kept at most; signing in past that forgets the oldest. */
const MOST_SESSIONS = 1000;

/** The header the page's script sends the CSRF token in. */
export const CSRF_HEADER = "x-syncspec-csrf";

/** How a request was signed in. */
export type SignedIn = "bearer" | "cookie" | "query";

/** Why a request was refused: the label of the refusals counter. */
export type Refusal = "token" | "origin" | "csrf" | "content-type";

/** The dashboard's checks of one token. */
export interface Guard {
  /** The CSRF token of the request's session: the page's script echoes it back in `x-syncspec-csrf`. */
  csrfFor(request: IncomingMessage): string;
  /** Whether `given` is the token. */
  isToken(given: string): boolean;
  /** Starts a session; answers the `Set-Cookie` value that carries it. */
  startSession(): string;
  /** How the request is signed in, or undefined when it is not. */
  signedIn(request: IncomingMessage, url: URL): SignedIn | undefined;
  /** Why a state-changing request must be refused, or undefined when it may go on. */
  refuseChange(request: IncomingMessage, via: SignedIn): { reason: Refusal; message: string } | undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * The guard of a token. `ownOrigin` says whether an origin is one of the dashboard's own (known
 * once it listens): a state-changing request from a page of any other origin is refused.
 */
export function createGuard(token: string, ownOrigin: (origin: string, request: IncomingMessage) => boolean, now: () => number): Guard {
  /** Session id to the time it ends, oldest first. */
  const sessions = new Map<string, number>();
  const session = (request: IncomingMessage): string | undefined => {
    const id = cookieValue(request, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const ends = sessions.get(id);
    if (ends === undefined) return undefined;
    if (ends <= now()) {
      sessions.delete(id);
      return undefined;
    }
    return id;
  };
  const csrfFor = (request: IncomingMessage) =>
    createHmac("sha256", token)
      .update(`syncspec dashboard csrf ${session(request) ?? ""}`)
      .digest("base64url");
  return {
    csrfFor,
    isToken: (given) => same(given, token),
    startSession() {
      const at = now();
      for (const [id, ends] of sessions) if (ends <= at || sessions.size >= MOST_SESSIONS) sessions.delete(id);
      const id = randomBytes(24).toString("base64url");
      sessions.set(id, at + SESSION_MS);
      return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
    },
    signedIn(request, url) {
      const auth = request.headers.authorization;
      if (auth !== undefined) return auth.startsWith("Bearer ") && same(auth.slice(7), token) ? "bearer" : undefined;
      if (session(request) !== undefined) return "cookie";
      const query = url.searchParams.get("token");
      return query !== null && same(query, token) ? "query" : undefined;
    },
    refuseChange(request, via) {
      const header = request.headers.origin ?? (request.headers.referer === undefined ? undefined : originOf(request.headers.referer));
      // A page of another origin is refused however the request is signed in; a script with the
      // bearer token sends no Origin, and needs none.
      if (header !== undefined && !ownOrigin(header, request)) {
        return { reason: "origin", message: `requests from ${header} may not change anything here (only the dashboard's own page may)` };
      }
      if (via !== "bearer") {
        if (header === undefined) return { reason: "origin", message: "a change signed in by the cookie must say where it comes from (Origin or Referer)" };
        const csrf = request.headers[CSRF_HEADER];
        if (typeof csrf !== "string" || !same(csrf, csrfFor(request))) return { reason: "csrf", message: `a change signed in by the cookie must carry the page's ${CSRF_HEADER} header` };
      }
      const length = request.headers["content-length"];
      const hasBody = request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
      const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      if ((hasBody || via !== "bearer") && type !== "application/json") {
        return { reason: "content-type", message: `the body must be JSON (content-type: application/json), not ${type === "" ? "untyped" : type}` };
      }
      return undefined;
    },
  };
}

/**
 * The headers every answer carries: scripts and styles only from the dashboard itself, never in
 * a frame, no type sniffing, no address sent on to other sites.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // Not no-referrer: under it a browser sends `Origin: null` with the page's own POSTs.
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};
