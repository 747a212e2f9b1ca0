/**
 * The Test-ISP: the white paper's simulated partner. Its "portal" is the simulator page that this
 * service serves itself on test stages, so opening an order needs no remote call.
 */
import type { IspAdapter, OpenedOrder, OpenOrderInput } from './isp-adapter.js';

export const testIspAdapter: IspAdapter = {
  name: 'test-isp',
  async openOrder(input: OpenOrderInput): Promise<OpenedOrder> {
    return {
      ispOrderId: input.refId,
      targetURL: `${input.serviceBaseUrl}/test-isp/orders/${input.refId}`,
    };
  },
};
