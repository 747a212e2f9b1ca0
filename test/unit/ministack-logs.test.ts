/** The MiniStack logs of old runs are pruned at each start: the newest few stay, nothing else is touched. */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneOldLogs } from '../../scripts/emulator/ministack.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pruneOldLogs', () => {
  it('keeps the newest logs by modification time and leaves other files alone', () => {
    // Prepare: seven logs, one minute apart (the port says nothing about the age), and other files
    dir = mkdtempSync(join(tmpdir(), 'srs-ministack-logs-'));
    const ports = [41001, 39999, 45555, 40000, 33333, 50000, 41002];
    const t0 = Date.parse('2026-11-30T00:00:00Z') / 1000;
    ports.forEach((port, i) => {
      const file = join(dir as string, `ministack-${port}.log`);
      writeFileSync(file, `run ${i}\n`);
      utimesSync(file, t0 + i * 60, t0 + i * 60);
    });
    for (const other of ['seed-config.json', 'ministack-notes.log', 'SrsDevStateful.outputs.json'])
      writeFileSync(join(dir, other), '{}');

    // Act
    const removed = pruneOldLogs(dir, 3);

    // Assess: the three last written stay (ports 33333, 50000, 41002)
    expect(removed).toHaveLength(4);
    expect(readdirSync(dir).sort()).toEqual([
      'SrsDevStateful.outputs.json',
      'ministack-33333.log',
      'ministack-41002.log',
      'ministack-50000.log',
      'ministack-notes.log',
      'seed-config.json',
    ]);
  });

  it('does nothing when the folder does not exist yet (the first run)', () => {
    expect(pruneOldLogs(join(tmpdir(), 'srs-no-such-folder-4104'), 3)).toEqual([]);
  });
});
