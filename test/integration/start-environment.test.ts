/**
 * `npm start` with an environment, options or a configuration the stack cannot run with: what is
 * wrong, in its own words, exit 2, no stack trace (the stack's modules read LOG_LEVEL as they load);
 * and its --help.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { waitFor } from '../support/stack.js';

/** npm start's entry point with `env` and `args` to its exit: its exit code and the lines it wrote. */
async function endedStart(env: Record<string, string>, args: string[] = []) {
  const { child, stdout, stderr } = spawnEntryPoint(ROOT, env, args);
  try {
    await waitFor(
      async () => child.exitCode,
      (code) => code !== null,
      { timeoutMs: 60_000 },
    );
    return { exitCode: child.exitCode, stdout: stdout(), lines: stderr().trim().split('\n') };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

/** Its exit code and the lines it wrote on stderr. */
async function refusedStart(env: Record<string, string>, args: string[] = []) {
  const { exitCode, lines } = await endedStart(env, args);
  return { exitCode, lines };
}

describe('npm start refusing to run', () => {
  it('says in one line what LOG_LEVEL must be and exits 2', async () => {
    expect(await refusedStart({ LOG_LEVEL: 'verbose' })).toEqual({
      exitCode: 2,
      lines: [
        'npm start: Environment variable LOG_LEVEL must be a log level (DEBUG, INFO, WARN, ERROR, SILENT)',
      ],
    });
  }, 90_000);

  it('names the file, the key and what is wrong with a partner key given with its private part, and exits 2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'srs-config-'));
    try {
      const config = JSON.parse(readFileSync(join(ROOT, 'config/local.json'), 'utf8'));
      config.isps[0].keys = [
        {
          kty: 'EC',
          crv: 'P-256',
          kid: 'leaked-1',
          x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI',
        },
      ];
      const path = join(folder, 'config.json');
      writeFileSync(path, JSON.stringify(config));

      expect(await refusedStart({ SRS_CONFIG: path })).toEqual({
        exitCode: 2,
        lines: [
          `npm start: Invalid configuration in ${path}:`,
          '  isps.0.keys.0.d: Key leaked-1: A private or secret key member (d) must never be registered: give the public key only.',
        ],
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);

  it('names an option it does not know and where the options are, and exits 2', async () => {
    expect(await refusedStart({}, ['--prot', '8080'])).toEqual({
      exitCode: 2,
      lines: ["npm start: Unknown option '--prot' (npm start -- --help lists the options)"],
    });
  }, 90_000);

  it('says in one line what a port must be and what the fault options must be, and exits 2', async () => {
    expect(await refusedStart({}, ['--port', '70000'])).toEqual({
      exitCode: 2,
      lines: ['npm start: invalid port 70000: give a whole number from 0 to 65535 (0: any free port)'],
    });
    expect(await refusedStart({ SRS_FAULTS: '5%' })).toEqual({
      exitCode: 2,
      lines: ['npm start: The fault rate must be a number from 0 to 1, not 5%'],
    });
  }, 90_000);

  it('says in one line that its port is taken and how to start on another, and exits 2', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expect(await refusedStart({}, ['--port', String(port)])).toEqual({
        exitCode: 2,
        lines: [
          `npm start: port ${port} is already in use (another npm start?): stop that one, or start on another port: PORT=${port + 1} npm start`,
        ],
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 90_000);

  it('suggests a port that exists when the highest port is taken', async () => {
    // Taken by this test, or already by another process: either way the start cannot listen there.
    const taken: Server = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      taken.once('error', () => resolve(false));
      taken.listen(65535, '127.0.0.1', () => resolve(true));
    });
    try {
      expect(await refusedStart({}, ['--port', '65535'])).toEqual({
        exitCode: 2,
        lines: [
          'npm start: port 65535 is already in use (another npm start?): stop that one, or start on another port: PORT=65534 npm start',
        ],
      });
    } finally {
      if (listening) await new Promise((resolve) => taken.close(resolve));
    }
  }, 90_000);

  it('says in one line that its data folder cannot be used (a file, or under one), and exits 2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'srs-data-dir-'));
    try {
      const file = join(folder, 'a-file');
      writeFileSync(file, '');
      for (const dataDir of [file, join(file, 'below')]) {
        const { exitCode, lines } = await refusedStart({}, ['--data-dir', dataDir]);
        expect({ exitCode, lines: lines.length }, dataDir).toEqual({ exitCode: 2, lines: 1 });
        expect(lines[0], dataDir).toMatch(
          new RegExp(
            `^npm start: the data folder ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be used \\(`,
          ),
        );
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);

  it('names a configuration file that is not there, or not JSON, and exits 2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'srs-config-'));
    try {
      const missing = join(folder, 'nope.json');
      expect(await refusedStart({}, ['--config', missing])).toEqual({
        exitCode: 2,
        lines: [`npm start: No configuration file ${missing}`],
      });
      const broken = join(folder, 'broken.json');
      writeFileSync(broken, '{"isps": [');
      const { exitCode, lines } = await refusedStart({ SRS_CONFIG: broken });
      expect(exitCode).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^npm start: The configuration ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not JSON: `,
        ),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('npm start -- --help', () => {
  it('lists every option with its environment variable and exits 0 without starting', async () => {
    const { exitCode, stdout, lines } = await endedStart({}, ['--help']);

    expect(exitCode).toBe(0);
    expect(lines).toEqual(['']);
    expect(stdout).toMatch(/^Usage: npm start -- \[options\]/);
    for (const [option, variable] of [
      ['--port', 'PORT'],
      ['--data-dir', 'SRS_DATA_DIR'],
      ['--config', 'SRS_CONFIG'],
      ['--faults', 'SRS_FAULTS'],
      ['--fault-kinds', 'SRS_FAULT_KINDS'],
      ['--fault-seed', 'SRS_FAULT_SEED'],
    ])
      expect(stdout).toMatch(new RegExp(`\\n  ${option} [^\\n]*\\(${variable}\\)`));
    // A one-off correction of past months: no variable that could stay set in a shell.
    expect(stdout).toMatch(/\n {2}--reprice-ended-months {2}seed the configuration even where/);
    expect(stdout).not.toContain('local stack ready');
  }, 90_000);
});
