/**
 * Every module-level zod schema is built in a call marked pure (`/* @__PURE__ *\/ z.define(…)`,
 * core/zod.ts): esbuild assumes any call may have side effects, so an unmarked `z.object(…)` at
 * module level stays in every bundle that imports its module, and is built at every cold start,
 * whether or not the function uses it. Checked the way it matters: each module under lambdas/ that
 * uses zod is bundled on its own as a bare import (nothing of it used, zod left external), and what
 * esbuild keeps of it must build no schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** The .ts files under `dir` (relative to the project) whose source imports the project's zod. */
function modulesUsingZod(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file))
    .filter((file) => /from '[^']*\/zod\.js'/.test(readFileSync(join(ROOT, file), 'utf8')))
    .sort();
}

/**
 * Where the bundle's namespace of core/zod.ts (zod/mini, `define`, `onFirstUse`) is called; a
 * `define` whose builder calls only the project's field rules names no zod export of its own.
 */
const ZOD_CALL = /\bzod_exports\.\w+\(|\b(?:define|onFirstUse)\(/;
/**
 * Kept statements that build nothing when they run: a marked schema, or a function that builds
 * schemas when called (both kept only because an unmarked statement uses them).
 */
const BUILDS_NOTHING = [
  /^var \w+ = \/\* @__PURE__ \*\/ (?:define|onFirstUse)\(/,
  /^var \w+ = (async )?(\([^)]*\)|\w+) =>/,
  /^(async )?function\b/,
];

/**
 * The module-level statements esbuild keeps from `module` (and the modules it imports) when nothing
 * of it is used, that build a zod schema: `file: first line` each.
 */
async function unmarkedSchemasOf(module: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `import './${module}';`, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['zod', 'zod/*'],
    minify: false,
    logLevel: 'silent',
  });
  const found: string[] = [];
  let file = '';
  let statement: string[] = [];
  const flush = () => {
    const text = statement.join('\n');
    if (ZOD_CALL.test(text) && !BUILDS_NOTHING.some((harmless) => harmless.test(text)))
      found.push(`${file}: ${statement[0]}`);
    statement = [];
  };
  for (const line of (result.outputFiles[0]?.text ?? '').split('\n')) {
    const section = /^\/\/ (\S+\.ts)$/.exec(line);
    // A top-level statement starts at column 0; its closing brackets and the section comments do not.
    if (section || (/^[^\s})\]/]/.test(line) && line.trim() !== '')) flush();
    if (section) file = section[1] as string;
    else statement.push(line);
  }
  flush();
  return found;
}

describe('module-level zod schemas', () => {
  it('are all built in calls marked pure: a bare import of any module under lambdas/ builds none', async () => {
    const modules = modulesUsingZod('lambdas');
    expect(modules.length).toBeGreaterThan(20);
    const unmarked: string[] = [];
    for (const module of modules) unmarked.push(...(await unmarkedSchemasOf(module)));

    expect([...new Set(unmarked)], 'mark each with /* @__PURE__ */ z.define(() => …) (core/zod.ts)').toEqual(
      [],
    );
  }, 60_000);

  it('the check finds an unmarked z.object(…) and unmarked z.define(…)s, and not marked ones', async () => {
    const planted = 'test/unit/fixtures/unmarked-schemas.ts';
    expect(modulesUsingZod('test/unit/fixtures')).toContain(planted);

    expect(await unmarkedSchemasOf(planted)).toEqual([
      `${planted}: var UnmarkedObject = zod_exports.object({ name: zod_exports.string() });`,
      `${planted}: var UnmarkedDefine = define(() => zod_exports.strictObject({ id: zod_exports.string() }));`,
      `${planted}: var UnmarkedDefineOfARule = define(() => nameRule());`,
    ]);
  });
});
