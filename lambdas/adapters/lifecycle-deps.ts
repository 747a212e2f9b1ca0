/** The real adapters behind the lifecycle use cases, built once per container. */
import type { JWK } from 'jose';
import { tableRepository } from './aws-clients.js';
import { CONFIG_CACHE_MS, cached } from './cache.js';
import type { IspMessageDeps } from './isp-message.js';
import { lifecycleMetrics } from './metrics.js';
import { sfnClient, TaskCallbacks } from './workflow/step-functions.js';

export function lifecycleDeps() {
  return {
    repository: tableRepository(),
    callbacks: new TaskCallbacks(sfnClient()),
    metrics: lifecycleMetrics,
  };
}

/** A partner's configuration, cached per container like all configuration read from the table. */
export const ispConfigOf = cached((issuer: string) => tableRepository().getIsp(issuer), CONFIG_CACHE_MS);

export function ispMessageDeps(): IspMessageDeps {
  const repository = tableRepository();
  return {
    keysOf: async (issuer) => ((await ispConfigOf(issuer))?.keys ?? []) as JWK[],
    rememberJti: (issuer, jti, until) => repository.rememberJti(issuer, jti, until, new Date()),
  };
}
