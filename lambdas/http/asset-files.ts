/**
 * Files a function reads that are not in its JavaScript bundle: in AWS the bundling hook copies them
 * into the function's asset beside `index.mjs` (lib/bundling.ts HANDLER_STATIC_FILES), locally they
 * are read where the project keeps them.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * node:fs as the CommonJS module, taken when a file is read: an ESM `import … from 'node:fs'` builds
 * the module's namespace, whose lazy `promises` export loads fs/promises with readline, the REPL
 * history and the file watchers at every cold start — for functions whose other routes read no file
 * (docs/benchmarks.md §3).
 */
export const fs = () => process.getBuiltinModule('node:fs');

/** The asset's folder `name` beside the bundle if there is one (AWS), else `local()` (the project). */
export function assetDirOr(name: string, local: () => string): string {
  const beside = join(dirname(fileURLToPath(import.meta.url)), name);
  return fs().existsSync(beside) ? beside : local();
}
