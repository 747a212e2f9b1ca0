/** Port for the partner messages' replay guard. */

export interface ReplayGuard {
  /** Records a message id until `expiresAt`; ConditionFailed if it is recorded and not expired at `now`. */
  rememberJti(issuer: string, jti: string, expiresAt: Date, now: Date): Promise<void>;
}
