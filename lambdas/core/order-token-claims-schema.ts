/**
 * OrderTokenClaims alone, the module the order-token verifier loads (by a dynamic import) to judge
 * claims wellFormedOrderTokenClaims leaves: esbuild keeps every export of a module loaded by
 * `import()`, so this one exports the claims' schema only.
 */
export { OrderTokenClaims } from './introspection-schemas.js';
