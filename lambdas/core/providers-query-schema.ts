/**
 * ProvidersQuery alone, the module providers-list loads (by a dynamic import) to judge a query
 * wellFormedProvidersQuery leaves: esbuild keeps every export of a module loaded by `import()`, so
 * this one exports the query's schema only, not the answers' beside it.
 */
export { ProvidersQuery } from './catalogue-schemas.js';
