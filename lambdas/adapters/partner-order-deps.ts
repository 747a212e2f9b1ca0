/** What opening an order with a partner needs (start call and method choice): adapters and the signer. */
import type { IspAdapterFor, OrderTokenSigner } from '../usecases/ports/partner.js';
import { ispAdapterFor } from './isp/registry.js';
import { orderTokenSigningKey, signOrderToken } from './order-token.js';

export function partnerOrderDeps(): { adapterFor: IspAdapterFor; signOrderToken: OrderTokenSigner } {
  return {
    adapterFor: ispAdapterFor,
    signOrderToken: async (input) => signOrderToken(input, await orderTokenSigningKey()),
  };
}
