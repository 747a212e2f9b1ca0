/**
 * The start call's request schemas alone, the module identification-start loads (by a dynamic import)
 * to judge a body or Idempotency-Key the zod-free readers (identification-request.ts) leave: esbuild
 * keeps every export of a module loaded by `import()`, so this one exports these two only, not the
 * answers' schemas beside them.
 */
export { IdempotencyHeader, StartIdentificationRequest } from './identification-schemas.js';
