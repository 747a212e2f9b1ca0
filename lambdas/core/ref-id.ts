/**
 * The `{refId}` path parameter of the identification routes: the order's UUID.
 */
import { REF_ID_INVALID } from './ref-id-format.js';
import * as z from './zod.js';

export const RefIdParam = /* @__PURE__ */ z.define(() =>
  z.strictObject({ refId: z.uuid({ error: REF_ID_INVALID }) }),
);
