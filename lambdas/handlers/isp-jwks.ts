/** GET /isp/v1/jwks.json — the public keys order tokens are signed with (several during a rotation). */

import { assertOrderTokenKeysConfigured, orderTokenPublicJwks } from '../adapters/order-token-keys.js';
import { httpHandler, json } from '../http/handler.js';

assertOrderTokenKeysConfigured(false);

export const handler = httpHandler('isp-jwks', async () =>
  json(200, await orderTokenPublicJwks(), { 'Cache-Control': 'public, max-age=300' }),
);
