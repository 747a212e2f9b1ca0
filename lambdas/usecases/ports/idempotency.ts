/** Port for the start call's Idempotency-Key records. */

/**
 * What a request holding a key opens: the order's refId and, for an order whose method the person
 * chooses, the choice link's secret. Kept in the lock so that the retry of a request that died (or
 * failed) after writing its order answers that order instead of opening another.
 */
export interface IdempotencyReservation {
  refId: string;
  methodChoiceToken?: string;
}

/** What a request taking a key asks for: named, as the two durations and `now` are easy to swap. */
export interface IdempotencyLock {
  /** The request's body, hashed: the same key with another body is another request. */
  fingerprint: string;
  reservation: IdempotencyReservation;
  now: Date;
  /** How long the lock holds before another request may take it over (a crashed request's). */
  lockSeconds: number;
  /** How long the record is kept (the key answers the same response until then). */
  retainSeconds: number;
}

/** The response a completed request stores for its key: named, as lockIdempotency's lock is. */
export interface IdempotencyCompletion {
  /** The request's body, hashed (as it took the key). */
  fingerprint: string;
  /** The answer the key gives from now on, serialised. */
  statusCode: number;
  body: string;
  now: Date;
  /** How long the record is kept (the key answers this response until then). */
  retainSeconds: number;
}

export type IdempotencyRecord =
  | ({ state: 'in-progress'; fingerprint: string; lockedUntil: number } & Partial<IdempotencyReservation>)
  | { state: 'completed'; fingerprint: string; statusCode: number; body: string };

export interface IdempotencyStore {
  /** The record for the key, unless it is past its retention at `now`. */
  getIdempotency(clientId: string, keyHash: string, now?: Date): Promise<IdempotencyRecord | undefined>;
  /**
   * Takes the key for one request: ConditionFailed while another request holds it (its lock has
   * not lapsed) or once a request has completed it (until the record is past its retention).
   */
  lockIdempotency(clientId: string, keyHash: string, lock: IdempotencyLock): Promise<void>;
  /** Stores the response the key answers from now on. */
  completeIdempotency(clientId: string, keyHash: string, completion: IdempotencyCompletion): Promise<void>;
  /**
   * Frees the key after a failed request, only if this request (fingerprint) still holds it. With
   * `keepReservation` (the request may have written its order) the lock lapses at once and the
   * reservation stays; otherwise the record goes.
   */
  releaseIdempotency(
    clientId: string,
    keyHash: string,
    fingerprint: string,
    keepReservation?: boolean,
  ): Promise<void>;
}
