/**
 * The JSON every reporting command prints: one object, the command's own fields first and a
 * `summary` of counts last, so a script reads `.summary` the same way whatever the command.
 */

/** One JSON report, indented, ending in a newline. */
export function jsonOutput(fields: Record<string, unknown>, summary: Record<string, unknown>): string {
  return `${JSON.stringify({ ...fields, summary }, null, 2)}\n`;
}
