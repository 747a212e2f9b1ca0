/**
 * VerifyRequest alone, the module verify loads (by a dynamic import) to judge a body
 * wellFormedVerifyRequest leaves: esbuild keeps every export of a module loaded by `import()`, so
 * this one exports the request's schema only, not the answer's beside it.
 */
export { VerifyRequest } from './verify-schemas.js';
