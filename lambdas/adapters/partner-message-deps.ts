/** What checking a partner's message takes: its configuration and keys, and the replay guard. */
import type { JWK } from 'jose';
import { partnerOrderTableStores } from './aws-clients.js';
import { CONFIG_CACHE_MS, cached } from './cache.js';
import type { IspMessageDeps } from './isp-message.js';
import { logger } from './logger.js';

/** A partner's configuration, cached per container like all configuration read from the table. */
const ispConfigOf = cached((issuer: string) => partnerOrderTableStores().getIsp(issuer), CONFIG_CACHE_MS);

export function ispMessageDeps(): IspMessageDeps {
  const repository = partnerOrderTableStores();
  return {
    keysOf: async (issuer) => ((await ispConfigOf(issuer))?.keys ?? []) as JWK[],
    rememberJti: (issuer, jti, until) => repository.rememberJti(issuer, jti, until, new Date()),
    // The partner only hears 401: this line is how the operator learns that a registered key is broken.
    onUnusableKey: (key) =>
      logger.warn('registered partner key cannot be used; messages it signs are refused', { ...key }),
  };
}
