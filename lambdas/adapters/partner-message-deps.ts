/** What checking a partner's message takes: its configuration and keys, and the replay guard. */
import type { JWK } from 'jose';
import { partnerOrderTableStores } from './aws-clients.js';
import { CONFIG_CACHE_MS, cached, oncePerInterval } from './cache.js';
import type { IspMessageDeps } from './isp-message.js';
import { logger } from './logger.js';

/** A partner's configuration, cached per container like all configuration read from the table. */
const ispConfigOf = cached((issuer: string) => partnerOrderTableStores().getIsp(issuer), CONFIG_CACHE_MS);

/**
 * How often one unusable registered key is logged per container: once in this interval. Every message
 * naming its partner tries it, so a partner sending many (or anyone sending made-up messages under its
 * issuer) would otherwise write one warning per message.
 */
const UNUSABLE_KEY_WARNING_INTERVAL_MS = 10 * 60_000;
/** Per key (the partner, its position and kid) and algorithm of the message: the reason differs by alg. */
const unusableKeyWarningDue = oncePerInterval<string>(UNUSABLE_KEY_WARNING_INTERVAL_MS);

export function ispMessageDeps(): IspMessageDeps {
  const repository = partnerOrderTableStores();
  return {
    keysOf: async (issuer) => ((await ispConfigOf(issuer))?.keys ?? []) as JWK[],
    rememberJti: (issuer, jti, until) => repository.rememberJti(issuer, jti, until, new Date()),
    // The partner only hears 401: this line is how the operator learns that a registered key is broken.
    onUnusableKey: (key) => {
      const heldBack = unusableKeyWarningDue(JSON.stringify([key.issuer, key.keyIndex, key.kid, key.alg]));
      if (heldBack === undefined) return;
      logger.warn('registered partner key cannot be used; messages it signs are refused', {
        ...key,
        // How many times this key failed since its last warning, unlogged (UNUSABLE_KEY_WARNING_INTERVAL_MS).
        warningsHeldBack: heldBack,
      });
    },
  };
}
