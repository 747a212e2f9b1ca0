/**
 * Validation schemas for every request and response of the SP API, gathered: the OpenAPI document
 * is generated from them and the handlers validate with the same schemas, so the two cannot
 * disagree. A handler imports the module of its own route (verify-schemas.ts, …), not this one:
 * schemas are built when their module loads, and a function should not build those of other
 * routes at cold start. Each schema is defined with `z.define` marked pure (zod.ts), so that a bundle
 * also leaves out the schemas of its own modules it does not use — the answers' schemas, which only
 * this document needs (docs/benchmarks.md §3; test/bench/bundle-contents.test.ts).
 */

export * from './catalogue-fields.js';
export * from './catalogue-schemas.js';
export * from './fields.js';
export * from './identification-schemas.js';
export * from './parse.js';
export * from './person-fields.js';
export * from './ref-id.js';
export * from './terms-form.js';
export * from './verify-schemas.js';
