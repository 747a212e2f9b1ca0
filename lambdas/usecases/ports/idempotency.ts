/** Port for the start call's Idempotency-Key records. */

export type IdempotencyRecord =
  | { state: 'in-progress'; fingerprint: string; lockedUntil: number }
  | { state: 'completed'; fingerprint: string; statusCode: number; body: string };

export interface IdempotencyStore {
  /** The record for the key, unless it is past its retention at `now`. */
  getIdempotency(clientId: string, keyHash: string, now?: Date): Promise<IdempotencyRecord | undefined>;
  /**
   * Takes the key for one request: ConditionFailed while another request holds it (its lock has
   * not lapsed) or once a request has completed it (until the record is past its retention).
   */
  lockIdempotency(
    clientId: string,
    keyHash: string,
    fingerprint: string,
    now: Date,
    lockSeconds: number,
    retainSeconds: number,
  ): Promise<void>;
  /** Stores the response the key answers from now on. */
  completeIdempotency(
    clientId: string,
    keyHash: string,
    fingerprint: string,
    statusCode: number,
    body: string,
    now: Date,
    retainSeconds: number,
  ): Promise<void>;
  /** Frees the key after a failed request, only if this request (fingerprint) still holds it. */
  releaseIdempotency(clientId: string, keyHash: string, fingerprint: string): Promise<void>;
}
