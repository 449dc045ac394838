/**
 * What the property checker's fake targets add to an answer so an operation's write-back finds
 * its fields, as the real API gives them: the fakes echo the request, which carries no id the
 * target makes (Xero's ManualJournalID, an invoice's InvoiceID). Each write-back field read by a
 * plain path (`answer.Invoices[0].InvoiceID`) that the answer lacks gets a fresh UUID there.
 */
import type { TargetResponse } from "../../runtime/delivery/transport.ts";
import type { OperationDefinition } from "../../runtime/pipeline.ts";

const PLAIN_PATH = /^answer((?:\.[A-Za-z_$][A-Za-z0-9_$-]*|\[[0-9]+\])+)$/;

/** The steps of a plain answer path: field names and list indexes; undefined for any other expression. */
function stepsOf(expression: string): (string | number)[] | undefined {
  const match = PLAIN_PATH.exec(expression.trim());
  if (match?.[1] === undefined) return undefined;
  return [...match[1].matchAll(/\.([^.[]+)|\[([0-9]+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

type Container = Record<string, unknown> | unknown[];

/** Sets `value` at `steps` in `root` unless something is there, making the objects and lists on the way. */
function fill(root: Container, steps: readonly (string | number)[], value: string): void {
  let node: Container = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as string | number;
    const last = i === steps.length - 1;
    const current = (node as Record<string | number, unknown>)[step];
    if (last) {
      if (current === undefined || current === null || current === "") (node as Record<string | number, unknown>)[step] = value;
      return;
    }
    if (typeof current !== "object" || current === null) {
      const next: Container = typeof steps[i + 1] === "number" ? [] : {};
      (node as Record<string | number, unknown>)[step] = next;
      node = next;
    } else node = current as Container;
  }
}

/** The answer with every plain-path write-back field the operation declares present. */
export function withWrittenBackFields(operation: OperationDefinition | undefined, response: TargetResponse, nextId: () => string): TargetResponse {
  const writeBack = operation?.writeBack;
  if (writeBack === undefined || response.status < 200 || response.status >= 300) return response;
  if (typeof response.body !== "object" || response.body === null) return response;
  const body = structuredClone(response.body) as Container;
  for (const expression of Object.values(writeBack.fields)) {
    const steps = stepsOf(expression);
    if (steps !== undefined) fill(body, steps, nextId());
  }
  return { ...response, body };
}
