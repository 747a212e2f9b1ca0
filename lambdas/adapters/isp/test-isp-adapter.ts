/**
 * The Test-ISP: the white paper's simulated partner. Its "portal" is the simulator page that this
 * service serves itself on test stages, so opening an order needs no remote call. The order token
 * travels in the target URL, as it does to a real partner's page.
 */
import type { IspAdapter, OpenedOrder, OpenOrderInput } from '../../usecases/ports/partner.js';

export const testIspAdapter: IspAdapter = {
  name: 'test-isp',
  async openOrder(input: OpenOrderInput): Promise<OpenedOrder> {
    const url = new URL(`${input.serviceBaseUrl}/test-isp/orders/${input.refId}`);
    url.searchParams.set('token', input.orderToken);
    return { ispOrderId: input.refId, targetURL: url.toString() };
  },
};
