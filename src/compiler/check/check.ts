/** The check stage: resolves every reference of every valid document against the bound set. */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { checkEntity } from "./check-entities.ts";
import { checkMapping } from "./check-mappings.ts";
import { checkOwnership } from "./check-ownership.ts";
import { checkReconciliation } from "./check-reconciliations.ts";
import { checkRoute } from "./check-routes.ts";
import { checkSystem } from "./check-systems.ts";
import type { CheckContext, NameReference } from "./report.ts";
import type { BoundDocument, SpecSet } from "./spec-set.ts";

/** Checks one document against the set in `cx`. */
export function checkDocument(cx: CheckContext, doc: BoundDocument): void {
  switch (doc.kind) {
    case "System":
      checkSystem(cx, doc as BoundDocument<"System">);
      break;
    case "Entity":
      checkEntity(cx, doc as BoundDocument<"Entity">);
      break;
    case "Ownership":
      checkOwnership(cx, doc as BoundDocument<"Ownership">);
      break;
    case "Mapping":
      checkMapping(cx, doc as BoundDocument<"Mapping">);
      break;
    case "Route":
      checkRoute(cx, doc as BoundDocument<"Route">);
      break;
    case "Reconciliation":
      checkReconciliation(cx, doc as BoundDocument<"Reconciliation">);
      break;
    case "Policy":
      break;
  }
}

/** Runs every check; returns the findings in document order. `onReference` sees every name checked. */
export function checkSpecSet(set: SpecSet, onReference?: (reference: NameReference) => void): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const cx: CheckContext = { set, report: (d) => diagnostics.push(d), ...(onReference === undefined ? {} : { onReference }) };
  for (const doc of set.documents) checkDocument(cx, doc);
  return diagnostics;
}
