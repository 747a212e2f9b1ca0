/**
 * The README's walkthrough, run as written: its `sh` blocks, in order, in one bash session against
 * the embedded stack (the README's `http://127.0.0.1:3000` pointed at the test's port), twice in a
 * row. Every output the README shows must be what its command printed, up to the values that differ
 * per run (ids, tokens, times, this run's mobile number) and the values the README shortens to `…`.
 * Needs bash, curl and jq, as the README does.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const run = promisify(execFile);
const README_BASE = 'http://127.0.0.1:3000';

interface Step {
  command: string;
  /** The output the README shows for it, if any. */
  shown?: string;
}

/** A README section's commands and the outputs shown after them, in order. */
function sectionSteps(heading: string): Step[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no section ${heading}`);
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

/** Per-run values, in the order they are masked; everything else must match exactly. */
const VARIABLE: [RegExp, string][] = [
  [
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  ],
  [/[0-9a-f]{8}-…/g, '[0-9a-f]{8}-[0-9a-f-]+'],
  [/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z'],
  [/(?<=token=|\/terms\/)[A-Za-z0-9_-]+…/g, '[A-Za-z0-9_.-]+'],
  [/(?<=token=|\/terms\/)[A-Za-z0-9_.-]+/g, '[A-Za-z0-9_.-]+'],
  [/SRS-[A-Z0-9_-]+/g, 'SRS-[A-Z0-9_-]+'],
  [/\+?4179\d{7}/g, '\\+?4179\\d{7}'],
];

/** The shown output as a pattern the printed output must match in full. */
function patternOf(shown: string, baseUrl: string): RegExp {
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

const stack = useStack();

/** Runs the steps in one bash session; answers what each printed. */
async function runWalkthrough(steps: Step[]): Promise<string[]> {
  const marker = (i: number) => `::step-${i}::`;
  const script = [
    'set -euo pipefail',
    ...steps.flatMap((s, i) => [
      `echo; echo '${marker(i)}'`,
      s.command.replaceAll(README_BASE, stack().baseUrl),
    ]),
  ].join('\n');
  const { stdout } = await run('bash', ['-c', script], { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 });
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
async function walkthroughRun(steps: Step[]): Promise<string[]> {
  await waitFor(
    async () => Math.floor(Date.now() / 1000),
    (second) => second > lastRunSecond,
  );
  lastRunSecond = Math.floor(Date.now() / 1000);
  const printed = await runWalkthrough(steps);
  // The script's `date +%s` ran after the line above, maybe a second later: the next run starts
  // after this one ended, so that it never shares this run's second (its key and number).
  lastRunSecond = Math.floor(Date.now() / 1000);
  return printed;
}

describe("the README's walkthrough", () => {
  const steps = sectionSteps('## Walkthrough (curl)');

  it('has the steps of a whole journey, each output shown after its command', () => {
    expect(steps.length).toBeGreaterThanOrEqual(9);
    expect(steps.filter((s) => s.shown !== undefined).length).toBeGreaterThanOrEqual(7);
    // The paper's way: the start body of its six fields, the person choosing the method.
    expect(steps.some((s) => s.command.includes('"lastName":"Muster","mobile":"\'"$MOBILE"\'"}\''))).toBe(
      true,
    );
    expect(steps.some((s) => s.command.includes('method=test@Test-ISP'))).toBe(true);
  });

  it.each([['first'], ['second']])('runs as written (%s run) and prints what it shows', async () => {
    const printed = await walkthroughRun(steps);

    steps.forEach((step, i) => {
      if (step.shown === undefined) return;
      expect(printed[i], `step ${i}:\n${step.command}`).toMatch(patternOf(step.shown, stack().baseUrl));
    });
    // The journey ended in a positive verify.
    expect(JSON.parse(printed.at(-1) as string)).toEqual({
      evidenceId: expect.any(String),
      vetterMsisdn: expect.stringMatching(/^4179\d{7}$/),
      serialNumber: expect.stringMatching(/^SRS-/),
    });
  });
});

describe("the README's other examples that run on their own", () => {
  it.each([
    // Its first block; the next ones need the person's acceptance and the operator's CLI.
    ['## AML identification data', 0],
    ['## For identification partners', 0],
    // A refused form post on a person's page: an HTML page, not JSON.
    ['## The API', 0],
  ])('%s: block %i prints what it shows', async (heading, index) => {
    const step = sectionSteps(heading)[index] as Step;

    const [printed] = await runWalkthrough([step]);

    expect(step.shown).toBeDefined();
    expect(printed).toMatch(patternOf(step.shown as string, stack().baseUrl));
  });
});

describe("the README's webhooks section", () => {
  /** The README's receiver; the test's own receiver (on a free port) stands in for it. */
  const README_RECEIVER = 'http://127.0.0.1:8765';
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => receiver?.stop());

  const atReceiver = (text: string) => text.replaceAll(README_RECEIVER, new URL(receiver.url).origin);

  it.each([['first'], ['second']])(
    'registers, tests, and receives every status of the walkthrough signed (%s run)',
    async () => {
      const [receiverStep, register, deliveryLog, ...rest] = sectionSteps(
        '## Webhooks: status changes pushed to the SP',
      ).map((s) => ({ command: atReceiver(s.command), ...(s.shown ? { shown: atReceiver(s.shown) } : {}) }));
      expect(receiverStep?.command).toContain('.listen(');
      expect(rest).toEqual([]);
      const walkthrough = sectionSteps('## Walkthrough (curl)');

      // Register and test, then the walkthrough, in one shell session (as a reader pastes them).
      const printed = await walkthroughRun([register as Step, ...walkthrough]);
      expect(printed[0]).toMatch(patternOf((register as Step).shown as string, stack().baseUrl));
      const { secret } = JSON.parse((printed[0] as string).split('\n')[0] as string) as { secret: string };
      const refId = (printed.join('\n').match(/"refId":"([0-9a-f-]{36})"/) as RegExpMatchArray)[1] as string;

      // Every status the order gained, in order, each signed with this run's secret.
      const webhook = new Webhook(secret);
      const ofOrder = () =>
        receiver.received.filter((m) =>
          m.headers['webhook-id']?.startsWith(`msg_${refId.replaceAll('-', '')}_`),
        );
      await waitFor(
        async () => ofOrder().length,
        (n) => n >= 5,
      );
      const statuses = ofOrder().map((m) => {
        const event = webhook.verify(m.body, m.headers) as { type: string; data: { status: string } };
        expect(event.type).toBe('identification.status-changed');
        return event.data.status;
      });
      expect(statuses).toEqual(['created', 'initialized', 'done', 'data-ready', 'terms-accepted']);

      // The delivery log, as the README reads it (in the same session: its TOKEN and HOOK), once
      // the last delivery is recorded.
      const session: Step = {
        command: `${(walkthrough[1] as Step).command}\nHOOK='${(printed[0] as string).split('\n')[0]}'`,
      };
      const log = await waitFor(
        async () => (await runWalkthrough([session, deliveryLog as Step]))[1] as string,
        (line) => line.includes('"delivered"'),
      );
      expect(log).toMatch(patternOf((deliveryLog as Step).shown as string, stack().baseUrl));
    },
  );
});
