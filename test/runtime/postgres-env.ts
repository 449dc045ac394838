/** Where the PostgreSQL tests find a server, and a schema name of their own for each run. */
import { randomBytes } from "node:crypto";

/** The server the tests use: SYNCSPEC_PG_URL, or the local one CI provides. */
export const PG_URL = process.env["SYNCSPEC_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema name no other run uses, so parallel runs never collide. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}
