/** What opening an order with a partner needs (start call and method choice): adapters and the signer. */
import type { OpenWithPartnerDeps } from '../usecases/start-identification.js';
import { ispAdapterFor } from './isp/registry.js';
import { orderTokenSigningKey, signOrderToken } from './order-token.js';

export function partnerOrderDeps(): Required<Pick<OpenWithPartnerDeps, 'adapterFor' | 'signOrderToken'>> {
  return {
    adapterFor: ispAdapterFor,
    signOrderToken: async (input) => signOrderToken(input, await orderTokenSigningKey()),
  };
}
