/**
 * The project's Python tools (MiniStack for `npm run deploy:local`, schemathesis for
 * `npm run test:fuzz`) live each in a project-local virtual environment installed from a pinned
 * requirements file, so nothing is installed into the machine's Python. Reinstalled when the
 * requirements file changes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A tool could not be installed: the message says what to do. */
export class PythonSetupError extends Error {}

export interface PythonVenv {
  /** The tool, e.g. "MiniStack", for messages. */
  tool: string;
  /** The virtual environment's folder. */
  venv: string;
  /** The pinned requirements file (`pip install -r`). */
  requirements: string;
  /** The executable the venv must end up with (`bin/<name>`). */
  binary: string;
}

/** Creates the venv and installs the pinned requirements into it, unless that is already done. */
export function installPythonVenv(spec: PythonVenv, log: (line: string) => void = () => {}): string {
  const binary = join(spec.venv, 'bin', spec.binary);
  // What the venv was installed from.
  const marker = join(spec.venv, 'installed-requirements.txt');
  const wanted = readFileSync(spec.requirements, 'utf8');
  if (existsSync(binary) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return binary;
  const python = process.env.PYTHON ?? 'python3';
  const probe = spawnSync(python, [
    '-c',
    'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)',
  ]);
  if (probe.error || probe.status !== 0) {
    throw new PythonSetupError(
      `${spec.tool} needs Python 3.10 or newer with venv: "${python}" ${probe.error ? 'was not found' : 'is older or lacks venv'} (install python3 and python3-venv, or set PYTHON).`,
    );
  }
  mkdirSync(dirname(spec.venv), { recursive: true });
  log(`Installing ${spec.tool} into ${spec.venv} (${spec.requirements})…`);
  const run = (command: string, args: string[]): void => {
    const r = spawnSync(command, args, { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new PythonSetupError(`${command} ${args.join(' ')} failed:\n${r.stderr || r.stdout}`);
    }
  };
  run(python, ['-m', 'venv', '--clear', spec.venv]);
  run(join(spec.venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-input',
    '--require-virtualenv',
    '-r',
    spec.requirements,
  ]);
  writeFileSync(marker, wanted);
  return binary;
}
