/** What opening an order with a partner needs (start call and method choice): adapters and the signer. */
import type { IspAdapterFor, OrderTokenSigner } from '../usecases/ports/partner.js';
import { assertPartnerSecretsConfigured, requiredStage } from './env.js';
import { ispAdapterFor } from './isp/registry.js';
import { signOrderToken } from './order-token.js';
import { orderTokenSigningKey } from './order-token-keys.js';

/**
 * Called at cold start: a partner secret the deployment lists but does not hold fails it, naming the
 * variable, and so does a missing or unknown STAGE (which partner URLs are allowed depends on it).
 */
export function partnerOrderDeps(): { adapterFor: IspAdapterFor; signOrderToken: OrderTokenSigner } {
  requiredStage();
  assertPartnerSecretsConfigured();
  return {
    adapterFor: ispAdapterFor,
    signOrderToken: async (input) => signOrderToken(input, await orderTokenSigningKey()),
  };
}
