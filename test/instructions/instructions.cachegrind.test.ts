/**
 * `npm run bench:instructions` run for real, under valgrind's callgrind: the DynamoDB floor against
 * itself, and verify's calls against its floor's GetItem. Valgrind is no npm package (Debian:
 * `apt-get install valgrind`, which .ci/run does), so this is a suite of its own beside `npm test`:
 * `npm run test:instructions`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { InstructionFigures } from '../../bench/instructions.js';

describe('npm run bench:instructions under callgrind', () => {
  it('counts the DynamoDB floor, bundled as a function, at 1.00× of itself and above Node’s start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instructions-test-'));
    try {
      const out = join(dir, 'figures.json');
      await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'bench/instructions.ts',
          '--functions',
          'bench/floors/dynamodb.ts',
          '--json',
          out,
        ],
        // Below the test's own timeout: the child is stopped, and its error told, before vitest gives up.
        { timeout: 540_000 },
      );
      const figures = JSON.parse(readFileSync(out, 'utf8')) as InstructionFigures;

      const [floor] = figures.functions;
      expect(floor).toMatchObject({ name: 'bench/floors/dynamodb.ts', floor: 'floor:dynamodb' });
      expect(floor?.millions).toBeGreaterThan(figures.nodeStartMillions);
      // Two processes importing the same code: what is left after the hash seed and the collector repeats.
      expect(floor?.ratioToFloor).toBeGreaterThan(0.98);
      expect(floor?.ratioToFloor).toBeLessThan(1.02);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('with --calls, counts verify’s positive calls and its floor’s GetItem of the same registration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instructions-test-'));
    try {
      const out = join(dir, 'figures.json');
      await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'bench/instructions.ts', '--functions', 'verify', '--calls', '20', '--json', out],
        { timeout: 840_000 },
      );
      const [verify] = (JSON.parse(readFileSync(out, 'utf8')) as InstructionFigures).functions;

      expect(verify).toMatchObject({ name: 'verify', floor: 'floor:dynamodb', perCall: { calls: 20 } });
      // Each call is the floor's GetItem and more: the edge, the DN, the counter, two log lines.
      expect(verify?.perCall?.floorThousands).toBeGreaterThan(100);
      expect(verify?.perCall?.thousands).toBeGreaterThan(verify?.perCall?.floorThousands ?? Infinity);
      expect(verify?.perCall?.floorRatio).toBeLessThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
