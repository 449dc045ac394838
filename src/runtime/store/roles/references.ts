/**
 * The references role: cross-references between systems' ids (recording one wakes the events
 * waiting for it) and reference data (rate cards and the like).
 */

/** Cross-references and reference data. */
export interface ReferenceStore {
  /**
   * The id `toSystem` uses for a record `fromSystem` (or any system, when omitted) knows as `fromId`.
   * With `fromSystem`, a cross-reference recorded the other way also answers: one recorded from
   * psa `P` to erp `O` gives `P` for erp's `O` in psa.
   */
  findXref(entity: string, toSystem: string, fromId: string, fromSystem?: string): Promise<string | undefined>;
  /** Records a cross-reference and wakes the events waiting for it. */
  putXref(entity: string, fromSystem: string, fromId: string, toSystem: string, toId: string, now: number): Promise<void>;
  /** Reference data (rate cards and the like) by entity and key. */
  referenceData(entity: string, key: string): Promise<unknown>;
  putReferenceData(entity: string, key: string, value: unknown): Promise<void>;
}
