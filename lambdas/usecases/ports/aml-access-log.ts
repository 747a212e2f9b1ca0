/** Port for the log of accesses to AML identification data: written once, never changed. */

/** One access to an order's AML identification data: who, when, which order, and the outcome. */
export interface AmlAccessRecord {
  /** Unique per record (several accesses may share a millisecond). */
  id: string;
  /** ISO 8601 UTC. */
  at: string;
  refId: string;
  /** The SP's OAuth client id. */
  clientId: string;
  /** The order's partner. */
  issuer: string;
  outcome: 'granted' | 'refused';
}

export interface AmlAccessFilter {
  refId?: string | undefined;
  /** ISO 8601 UTC; records at or after it. */
  since?: string | undefined;
}

export interface AmlAccessLog {
  /** ConditionFailed if a record with this id exists. */
  recordAmlAccess(record: AmlAccessRecord): Promise<void>;
  /** Oldest first: of one order, or of all orders; optionally from a point in time on. */
  amlAccessRecords(filter?: AmlAccessFilter): AsyncIterable<AmlAccessRecord>;
}
