/**
 * UsageQuery alone, the module usage-get loads (by a dynamic import) to judge a query
 * wellFormedUsageQuery leaves: esbuild keeps every export of a module loaded by `import()`, so this
 * one exports the query's schema only, not the answer's beside it.
 */
export { UsageQuery } from './usage-report-schemas.js';
