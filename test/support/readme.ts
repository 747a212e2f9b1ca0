/**
 * The README's examples as tests run them (test/integration/readme*.test.ts): a section's `sh`
 * blocks with the outputs shown after them, run in one bash session against an embedded stack (the
 * README's `http://127.0.0.1:3000` pointed at it), and the shown output as a pattern. Needs bash,
 * curl and jq, as the README does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { endpointsFolder, writeEndpointsFile } from '../../local/endpoints-file.js';
import { TABLE_NAME } from '../../local/stack.js';
import { type LocalStack, waitFor } from './stack.js';

const run = promisify(execFile);
export const README_BASE = 'http://127.0.0.1:3000';

export interface Step {
  command: string;
  /** The output the README shows for it, if any. */
  shown?: string;
}

/** A README section's commands and the outputs shown after them, in order; likewise a doc's (`file`). */
export function sectionSteps(heading: string, file = 'README.md'): Step[] {
  const readme = readFileSync(file, 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no section ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const steps: Step[] = [];
  for (const block of section.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    const [, lang, body = ''] = block;
    if (lang === 'sh') steps.push({ command: body });
    // The first block after a command is what it prints; a further one shows something else
    // (e.g. what another terminal prints meanwhile).
    else if (steps.length && (steps.at(-1) as Step).shown === undefined)
      (steps.at(-1) as Step).shown = body.trim();
  }
  return steps;
}

/**
 * The README's substitutions for running its walkthrough against the deployed stack (its section
 * "Against the deployed stack (MiniStack)"): each table row's first code span, replaced by the
 * second cell's first code span, in the table's order.
 */
export function deployedSubstitutions(): [string, string][] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('\n## Against the deployed stack (MiniStack)\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| in the '));
  return rows.map((row) => {
    const [from, to] = row
      .split(/(?<!\\)\|/)
      .slice(1, 3)
      .map((cell) => (cell.match(/`([^`]+)`/)?.[1] ?? '').replaceAll('\\|', '|'));
    if (!from || !to) throw new Error(`README: a substitution row without two code spans: ${row}`);
    return [from, to];
  });
}

/** A command with the README's substitutions for the deployed stack applied, in order. */
export function forDeployedStack(command: string, substitutions = deployedSubstitutions()): string {
  return substitutions.reduce((text, [from, to]) => text.replaceAll(from, to), command);
}

/** Per-run values, in the order they are masked; everything else must match exactly. */
const VARIABLE: [RegExp, string][] = [
  [
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  ],
  [/[0-9a-f]{8}-…/g, '[0-9a-f]{8}-[0-9a-f-]+'],
  [/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z'],
  // A date-time shortened after its year (`"at":"2026-…Z"`): any year.
  [/\d{4}-…Z/g, '\\d{4}-[^"\\s]*Z'],
  [/(?<=token=|\/terms\/)[A-Za-z0-9_-]+…/g, '[A-Za-z0-9_.-]+'],
  [/(?<=token=|\/terms\/)[A-Za-z0-9_.-]+/g, '[A-Za-z0-9_.-]+'],
  [/SRS-[A-Z0-9_-]+/g, 'SRS-[A-Z0-9_-]+'],
  [/\+?4179\d{7}/g, '\\+?4179\\d{7}'],
];

/** The shown output as a pattern the printed output must match in full. */
export function patternOf(shown: string, baseUrl: string): RegExp {
  const holes: string[] = [];
  let text = shown.replaceAll(README_BASE, baseUrl);
  for (const [find, pattern] of VARIABLE) {
    text = text.replace(find, () => {
      holes.push(pattern);
      return `@@HOLE${holes.length - 1}@@`;
    });
  }
  const escaped = text
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/@@HOLE(\d+)@@/g, (_, i: string) => `(?:${holes[Number(i)]})`)
    // Any other shortened value: the rest of the value, up to its closing quote.
    .replaceAll('…', '[^"\\s]*')
    // A JSON output shown on several lines is one line on the wire.
    .replace(/\n\s*/g, '\\s*');
  return new RegExp(`^${escaped}$`);
}

/** The second in which the last run started: runs are told apart by `date +%s`. */
let lastRunSecond = 0;

/**
 * Runs the steps in one bash session against `stack`, with `env` added to the session's
 * environment; answers what each printed.
 */
export async function runSteps(
  steps: Step[],
  stack: Pick<LocalStack, 'baseUrl'>,
  env: Record<string, string> = {},
): Promise<string[]> {
  const marker = (i: number) => `::step-${i}::`;
  const script = [
    'set -euo pipefail',
    ...steps.flatMap((s, i) => [
      `echo; echo '${marker(i)}'`,
      s.command.replaceAll(README_BASE, stack.baseUrl),
    ]),
  ].join('\n');
  const { stdout } = await run('bash', ['-c', script], {
    timeout: 60_000,
    maxBuffer: 4 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  return steps.map((_, i) => {
    const from = stdout.indexOf(marker(i)) + marker(i).length;
    const to = i + 1 < steps.length ? stdout.indexOf(marker(i + 1)) : stdout.length;
    return stdout.slice(from, to).trim();
  });
}

/**
 * Runs the steps as one walkthrough run, in a second of its own: runs are told apart by
 * `date +%s` (their Idempotency-Key and mobile number).
 */
export async function walkthroughRun(
  steps: Step[],
  stack: Pick<LocalStack, 'baseUrl'>,
  env: Record<string, string> = {},
): Promise<string[]> {
  await waitFor(
    async () => Math.floor(Date.now() / 1000),
    (second) => second > lastRunSecond,
  );
  lastRunSecond = Math.floor(Date.now() / 1000);
  const printed = await runSteps(steps, stack, env);
  // The script's `date +%s` ran after the line above, maybe a second later: the next run starts
  // after this one ended, so that it never shares this run's second (its key and number).
  lastRunSecond = Math.floor(Date.now() / 1000);
  return printed;
}

/**
 * A temp folder holding `stack`'s endpoints file as `npm start` writes it (local/endpoints-file.ts),
 * created before the file's tests and removed after them: a README block run with it as TMPDIR finds
 * the test's stack with `npm run admin -- --local`, as the reader's finds their `npm start`.
 */
export function useEndpointsFolder(stack: () => LocalStack): () => string {
  let temp: string | undefined;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'srs-readme-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      if (!endpointsFolder().startsWith(temp)) throw new Error('The endpoints folder is not under TMPDIR');
      const { baseUrl, dynamoEndpoint } = stack();
      writeEndpointsFile({
        pid: process.pid,
        baseUrl,
        httpPort: Number(new URL(baseUrl).port),
        dynamoEndpoint,
        tableName: TABLE_NAME,
        region: 'local',
        dataDir: null,
        startedAt: new Date().toISOString(),
      });
    } finally {
      if (previous === undefined) Reflect.deleteProperty(process.env, 'TMPDIR');
      else process.env.TMPDIR = previous;
    }
  });
  afterAll(() => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  });
  return () => {
    if (!temp) throw new Error('No endpoints folder: useEndpointsFolder() makes it before the tests');
    return temp;
  };
}
