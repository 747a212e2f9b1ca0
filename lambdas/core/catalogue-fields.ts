/** The field rules of the partner catalogue: jurisdictions, issuer and method names (see fields.ts). */
import { ISSUER_MAX, issuerNamePattern, JURISDICTIONS, METHOD_NAME } from './domain.js';
import { safeText } from './fields.js';
import * as z from './zod.js';

export const jurisdiction = /* @__PURE__ */ z.define(() => z.enum(JURISDICTIONS));
export const issuerName = /* @__PURE__ */ z.define(() =>
  safeText(ISSUER_MAX).check(z.regex(issuerNamePattern(), { error: 'Invalid issuer name.' })),
);
export const methodName = /* @__PURE__ */ z.define(() =>
  z.string().check(z.regex(METHOD_NAME, { error: 'Invalid method name.' })),
);
