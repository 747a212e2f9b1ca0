/**
 * bench/profile-import.ts, run as documented on a real bundle: the mandated edge (bench/floors/edge.ts:
 * Powertools Logger, middy, the project's HTTP edge) against the empty floor. What it prints is read
 * back: one row per module with the function's and the floor's milliseconds and their difference,
 * largest difference first, and a total; the edge's packages and project files attributed to the
 * function, none of them to the empty floor, and the rows adding up to no more than the total.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

interface Row {
  module: string;
  function: number;
  floor: number;
  diff: number;
}

/** The printed table: its title, rows and total (each row `module  function  floor  diff`). */
function parseTable(stdout: string) {
  const [title, columns, ...lines] = stdout.trim().split('\n');
  const rows = lines.map((line): Row => {
    const match = /^(.+?)\s+(-?\d+\.\d\d)\s+(-?\d+\.\d\d)\s+(-?\d+\.\d\d)$/.exec(line);
    if (!match) throw new Error(`Not a row: ${line}`);
    const [, module, fn, floor, diff] = match;
    return { module: module as string, function: Number(fn), floor: Number(floor), diff: Number(diff) };
  });
  const total = rows.pop();
  return { title, columns, rows, total };
}

describe('bench/profile-import.ts', () => {
  it('attributes the edge’s import CPU to its modules against the empty floor, and the rows add up', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/profile-import.ts', 'bench/floors/edge.ts', '2', 'empty'],
      { timeout: 120_000 },
    );
    const { title, columns, rows, total } = parseTable(stdout);

    expect(title).toBe(
      'bench/floors/edge.ts against floor empty, 2 runs each, CPU ms per process (self time)',
    );
    expect(columns?.split(/\s+/)).toEqual(['module', 'function', 'floor', 'diff']);
    expect(total?.module).toBe('total');
    expect(rows.length).toBeGreaterThan(3);

    // Each difference is its row's function minus floor (to the printed rounding), largest first.
    for (const row of rows)
      expect(Math.abs(row.function - row.floor - row.diff), row.module).toBeLessThan(0.011);
    expect(rows.map((r) => r.diff)).toEqual([...rows.map((r) => r.diff)].sort((a, b) => b - a));

    // The edge's own code is the function's: Powertools Logger (most of the edge's import) and the
    // project's HTTP edge; the empty floor's bundle has no package and no project file. How many ms
    // the logger gets depends on the machine's load (0.18 ms was read under load), so only that it
    // gets some is asserted.
    const logger = rows.find((r) => r.module === '@aws-lambda-powertools/logger');
    expect(logger?.function).toBeGreaterThan(0);
    expect(rows.some((r) => r.module.startsWith('lambdas/') && r.function > 0)).toBe(true);
    const modules = rows.filter((r) => !r.module.startsWith('('));
    expect(modules.filter((r) => r.floor > 0 && r.module !== 'bench/floors/empty.ts')).toEqual([]);

    // The printed rows are a part of the whole (small ones are left out): never more than the total.
    if (!total) throw new Error('no total');
    const sum = (pick: (r: Row) => number) => rows.reduce((s, r) => s + pick(r), 0);
    expect(sum((r) => r.function)).toBeLessThanOrEqual(total.function + 0.01 * rows.length);
    expect(sum((r) => r.floor)).toBeLessThanOrEqual(total.floor + 0.01 * rows.length);
    expect(Math.abs(total.function - total.floor - total.diff)).toBeLessThan(0.011);
    // Which total is larger is the machine's load, not the code's (with 2 runs at a load of 17 the
    // empty floor's read 71.19 ms, the edge's 61.99): not asserted. Where the edge's time goes is.
    expect(total.function).toBeGreaterThan(0);
  }, 180_000);
});
