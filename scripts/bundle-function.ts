/**
 * Bundles one function as it is deployed (lib/bundling.ts `bundleFunction`): `index.mjs`, its map
 * and its lazy modules (`lazy/*.mjs`, ADR 0023) into the asset folder. Run by the CDK bundling hook
 * from the project root, after NodejsFunction's own esbuild command, whose `index.mjs` it replaces.
 *
 *   npx tsx scripts/bundle-function.ts <entry, e.g. lambdas/handlers/verify.ts> <asset folder>
 */
import { bundleFunction } from '../lib/bundling.js';

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: npx tsx scripts/bundle-function.ts <entry> <asset folder>');
  process.exit(2);
}
await bundleFunction(entry, outdir);
