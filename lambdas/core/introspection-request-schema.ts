/**
 * IntrospectionRequest alone, the module oauth-introspect loads (by a dynamic import) to judge a form
 * wellFormedIntrospectionRequest leaves: esbuild keeps every export of a module loaded by `import()`,
 * so this one exports the form's schema only, not the order token's beside it.
 */
export { IntrospectionRequest } from './introspection-schemas.js';
