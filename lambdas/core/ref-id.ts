/**
 * The `{refId}` path parameter of the identification routes: the order's UUID.
 */
import * as z from './zod.js';

export const RefIdParam = /* @__PURE__ */ z.define(() =>
  z.strictObject({ refId: z.uuid({ error: 'Must be a UUID.' }) }),
);
