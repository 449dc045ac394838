/**
 * The classes of change `spec breaking` knows, and whom each breaks, in the style of buf's
 * breaking categories: event consumers (who read canonical events and system events, and the
 * business measures dashboards and alerts read by name),
 * adapters (generated code and the systems it calls), and stored data (records, dedup and
 * ordering state, postings of versioned records the runtime keeps). A class that breaks no one is compatible.
 */
import type { KindName } from "../../model/index.ts";
import type { Location } from "../diagnostics/diagnostic.ts";

/** Who must stay compatible with a change. */
export type Consumer = "event-consumers" | "adapters" | "stored-data";

const ALL: readonly Consumer[] = ["event-consumers", "adapters", "stored-data"];

/** Every class of change and the consumers it breaks. */
export const CHANGE_CLASSES = {
  "document-removed": ["adapters"],
  "entity-removed": ALL,
  "field-removed": ALL,
  "field-type-changed": ALL,
  "field-made-required": ["adapters", "stored-data"],
  "required-field-added": ["adapters", "stored-data"],
  "enum-value-removed": ALL,
  "schema-property-removed": ["adapters"],
  "schema-property-type-changed": ["adapters"],
  "schema-property-made-required": ["adapters"],
  "event-removed": ["event-consumers", "adapters"],
  "operation-removed": ["adapters"],
  "canonical-event-removed": ["event-consumers"],
  "ownership-moved": ["adapters", "stored-data"],
  "field-replica-removed": ["adapters"],
  "idempotency-key-changed": ["stored-data"],
  "ordering-key-changed": ["stored-data"],
  "versioning-changed": ["stored-data"],
  "versioning-added": ["stored-data"],
  "correction-removed": ["adapters", "stored-data"],
  "correction-changed": ["adapters"],
  "correction-added": [],
  "void-event-changed": ["adapters"],
  "mapping-output-changed": ["adapters"],
  "rejection-removed": ["stored-data"],
  "rejection-queue-changed": ["stored-data"],
  "rejection-added": [],
  "rejection-release-changed": ["stored-data"],
  "rejection-release-added": [],
  "measure-removed": ["event-consumers"],
  "measure-changed": ["event-consumers"],
  "trigger-changed": ["adapters", "stored-data"],
  "kept-record-removed": ["stored-data"],
  "kept-version-changed": ["stored-data"],
  "webhook-authentication-changed": ["adapters"],
  "reconciliation-source-removed": ["stored-data"],
  "reconciliation-measure-changed": ["stored-data"],
  "reconciliation-grouping-changed": ["stored-data"],
  "reconciliation-tolerance-widened": ["stored-data"],
  "reconciliation-queue-changed": ["stored-data"],
  "reconciliation-schedule-removed": ["event-consumers"],
  "reconciliation-source-added": [],
  "reconciliation-read-changed": [],
  "reconciliation-tolerance-tightened": [],
  "reconciliation-schedule-changed": [],
  "webhook-authentication-removed": [],
  "document-added": [],
  "field-added": [],
  "enum-value-added": [],
  "measure-added": [],
} as const satisfies Record<string, readonly Consumer[]>;

export type ChangeClass = keyof typeof CHANGE_CLASSES;

/** Which consumers each `breaking.level` protects: each level includes the ones before it. */
export const LEVEL_CONSUMERS: Readonly<Record<Consumer, readonly Consumer[]>> = {
  "event-consumers": ["event-consumers"],
  adapters: ["event-consumers", "adapters"],
  "stored-data": ALL,
};

/** One difference between the previous and the current spec set. */
export interface Change {
  class: ChangeClass;
  breaks: readonly Consumer[];
  /** The document the change is in, and its versions on each side. */
  kind: KindName;
  name: string;
  previousVersion: string | undefined;
  currentVersion: string | undefined;
  message: string;
  /** In the current file where the document still exists, else in the previous one. */
  location: Location | undefined;
}
