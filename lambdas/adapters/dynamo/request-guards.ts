/**
 * Items that keep a request from taking effect twice: the start call's Idempotency-Key records
 * and the partner messages' jti replay guard.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { succeeded } from '../../core/errors.js';
import type {
  IdempotencyCompletion,
  IdempotencyLock,
  IdempotencyRecord,
  IdempotencyStore,
} from '../../usecases/ports/idempotency.js';
import type { ReplayGuard } from '../../usecases/ports/replay-guard.js';
import { absentIfIllFormed, entity, epochSeconds, type Table } from './table.js';
import { keys, TTL_ATTRIBUTE } from './table-schema.js';
import { conditionalDelete, conditionalPut, conditionalUpdate, putItem } from './table-writes.js';

export function requestGuardItems(table: Table): IdempotencyStore & ReplayGuard {
  return {
    /** The record for a key, unless it is past its retention (TTL deletes late, so check here). */
    async getIdempotency(
      clientId: string,
      keyHash: string,
      now = new Date(),
    ): Promise<IdempotencyRecord | undefined> {
      return absentIfIllFormed(async () => {
        const out = await table.db.send(
          new GetCommand({
            TableName: table.name,
            Key: keys.idempotency(clientId, keyHash),
            ConsistentRead: true,
          }),
        );
        const ttl = out.Item?.[TTL_ATTRIBUTE];
        if (typeof ttl === 'number' && ttl < epochSeconds(now)) return undefined;
        return entity<IdempotencyRecord>(out.Item);
      });
    },

    /**
     * Takes the key for one request. Fails when another request holds it or has completed it; a lock
     * left by a crashed request can be taken over once it has lapsed.
     */
    async lockIdempotency(
      clientId: string,
      keyHash: string,
      { fingerprint, reservation, now, lockSeconds, retainSeconds }: IdempotencyLock,
    ): Promise<void> {
      const record: IdempotencyRecord = {
        state: 'in-progress',
        fingerprint,
        lockedUntil: epochSeconds(now) + lockSeconds,
        ...reservation,
      };
      await conditionalPut(
        table,
        {
          ...keys.idempotency(clientId, keyHash),
          ...record,
          [TTL_ATTRIBUTE]: epochSeconds(now) + retainSeconds,
        },
        {
          // Free, or a lapsed lock of a crashed request, or a record past its retention.
          condition:
            'attribute_not_exists(PK) OR (#state = :inProgress AND lockedUntil < :now) OR #ttl < :now',
          names: { '#state': 'state', '#ttl': TTL_ATTRIBUTE },
          values: { ':inProgress': 'in-progress', ':now': epochSeconds(now) },
        },
        'Idempotency key is taken',
      );
    },

    async completeIdempotency(
      clientId: string,
      keyHash: string,
      { fingerprint, statusCode, body, now, retainSeconds }: IdempotencyCompletion,
    ): Promise<void> {
      const record: IdempotencyRecord = { state: 'completed', fingerprint, statusCode, body };
      await putItem(table, {
        ...keys.idempotency(clientId, keyHash),
        ...record,
        [TTL_ATTRIBUTE]: epochSeconds(now) + retainSeconds,
      });
    },

    /**
     * Frees the key after a failed request so that the SP can retry with it at once. A request that
     * may have written its order keeps its reservation (the lock lapses now), so that the retry
     * answers that order; otherwise the record goes, and nothing is left behind.
     */
    async releaseIdempotency(
      clientId: string,
      keyHash: string,
      fingerprint: string,
      keepReservation = false,
    ): Promise<void> {
      const key = keys.idempotency(clientId, keyHash);
      const held = {
        condition: '#state = :inProgress AND fingerprint = :fp',
        names: { '#state': 'state' },
        values: { ':inProgress': 'in-progress', ':fp': fingerprint },
      };
      const notHeld = 'Idempotency key is not held by this request';
      // Not held by this request (any more): there is nothing of ours to free.
      await succeeded(
        keepReservation
          ? conditionalUpdate(
              table,
              key,
              'SET lockedUntil = :lapsed',
              { ...held, values: { ...held.values, ':lapsed': 0 } },
              notHeld,
            )
          : conditionalDelete(table, key, held, notHeld),
      );
    },

    /** Records a message id; fails if it was seen before (and has not yet expired). */
    async rememberJti(issuer: string, jti: string, expiresAt: Date, now: Date): Promise<void> {
      await conditionalPut(
        table,
        { ...keys.jti(issuer, jti), issuer, [TTL_ATTRIBUTE]: epochSeconds(expiresAt) },
        {
          condition: 'attribute_not_exists(PK) OR #ttl < :now',
          names: { '#ttl': TTL_ATTRIBUTE },
          values: { ':now': epochSeconds(now) },
        },
        'Message id was seen before',
      );
    },
  };
}
