/** The field rules of the partner catalogue: jurisdictions, issuer and method names (see fields.ts). */
import { JURISDICTIONS } from './domain.js';
import { safeText } from './fields.js';
import * as z from './zod.js';

export const jurisdiction = /* @__PURE__ */ z.define(() => z.enum(JURISDICTIONS));
export const issuerName = /* @__PURE__ */ z.define(() =>
  safeText(100).check(z.regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { error: 'Invalid issuer name.' })),
);
export const methodName = /* @__PURE__ */ z.define(() =>
  z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'Invalid method name.' })),
);
