/**
 * The README's walkthrough, run as written: its `sh` blocks, in order, in one bash session against
 * the embedded stack (the README's `http://127.0.0.1:3000` pointed at the test's port), twice in a
 * row. Every output the README shows must be what its command printed, up to the values that differ
 * per run (ids, tokens, times, this run's mobile number) and the values the README shortens to `…`.
 * Needs bash, curl and jq, as the README does.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  patternOf,
  runSteps,
  type Step,
  sectionSteps,
  useEndpointsFolder,
  walkthroughRun as walkthroughRunOn,
} from '../support/readme.js';
import { useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const stack = useStack();
/** TMPDIR for the blocks that run the operator's CLI: `--local` finds this file's stack there. */
const endpointsFolder = useEndpointsFolder(stack);

/** Runs the steps in one bash session against this file's stack; answers what each printed. */
const runWalkthrough = (steps: Step[]) => runSteps(steps, stack());
/** Runs the steps as one walkthrough run, in a second of its own (support/readme.ts). */
const walkthroughRun = (steps: Step[]) => walkthroughRunOn(steps, stack(), { TMPDIR: endpointsFolder() });

/** Each printed output matches the one the README shows after its command. */
function expectPrintedAsShown(steps: Step[], printed: string[]): void {
  steps.forEach((step, i) => {
    if (step.shown === undefined) return;
    expect(printed[i], `step ${i}:\n${step.command}`).toMatch(patternOf(step.shown, stack().baseUrl));
  });
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

    expectPrintedAsShown(steps, printed);
    // The journey ended in a positive verify.
    expect(JSON.parse(printed.at(-1) as string)).toEqual({
      evidenceId: expect.any(String),
      vetterMsisdn: expect.stringMatching(/^4179\d{7}$/),
      serialNumber: expect.stringMatching(/^SRS-/),
    });
  });

  it('takes a pseudonym instead of step 8, as the terms section shows: the status names it and verify is positive', async () => {
    const accept = steps.findIndex((s) => s.command.includes('-d accept=yes'));
    const pseudonym = sectionSteps('## Terms of use and pseudonyms').find((s) =>
      s.command.includes('pseudonym=Hansi Signer'),
    ) as Step;
    expect(accept).toBeGreaterThan(0);
    expect(pseudonym.shown).toBeDefined();

    const printed = await walkthroughRun([...steps.slice(0, accept), pseudonym]);

    const [dn, verified] = (printed.at(-1) as string).split('\n');
    // What the status answers once the person is registered: the pseudonym, not the names.
    expect(dn).toBe('pseudonym=Hansi Signer, cn=Hansi Signer, c=CH');
    expect(JSON.parse(verified as string)).toEqual({
      evidenceId: expect.any(String),
      vetterMsisdn: expect.stringMatching(/^4179\d{7}$/),
      serialNumber: expect.stringMatching(/^SRS-/),
    });
    expect(printed.at(-1)).toMatch(patternOf(pseudonym.shown as string, stack().baseUrl));
  });
});

describe("the README's operator examples after the walkthrough", () => {
  it.each([['first'], ['second']])(
    'shows the acceptance record and erases the person as shown (%s run, each command twice)',
    async () => {
      const [acceptance] = sectionSteps('## Terms of use and pseudonyms');
      const [erase] = sectionSteps('### Retention and erasure');
      expect(acceptance?.command).toContain('terms-acceptance --msisdn "$MOBILE"');
      expect(erase?.command).toContain('erase --msisdn "$MOBILE"');
      const steps = [...sectionSteps('## Walkthrough (curl)'), acceptance, acceptance, erase] as Step[];

      const printed = await walkthroughRun([...steps, erase as Step]);

      expectPrintedAsShown(steps, printed);
      // Run again, the erasure finds nothing left of the person.
      expect(JSON.parse(printed.at(-1) as string)).toMatchObject({
        erased: { registrations: 0, orders: 0, evidence: 0 },
        reference: 'DSR-2026-17',
      });
    },
  );
});

describe("the README's AML identification data", () => {
  it.each([['first'], ['second']])(
    'runs as written: the data, the acceptance, verify under the eIDAS-only identity, the access record (%s run)',
    async () => {
      const steps = sectionSteps('## AML identification data');
      expect(steps.map((s) => s.shown !== undefined)).toEqual([true, true, true, true]);
      expect(steps[3]?.command).toContain('admin -- --local aml-access --ref $REF');

      const printed = await walkthroughRun(steps);

      expectPrintedAsShown(steps, printed);
    },
  );
});

describe("the README's (and the partner contract's) other examples that run on their own", () => {
  it.each([
    ['## For identification partners', 0],
    // A field left out of an API call: the 400 names it and says what it must be.
    ['## The API', 0],
    // A refused form post on a person's page: an HTML page, not JSON.
    ['## The API', 1],
    // A link with a segment too many: the pages' 404 page in the browser's language (ADR 0027).
    ['## The API', 2],
    // The partner contract's introspection as the Test-ISP's backend, and another partner's.
    ['## 3. The order token and introspection', 0, 'docs/isp-integration.md'],
  ])('%s: block %i prints what it shows', async (heading, index, file = 'README.md') => {
    const step = sectionSteps(heading, file)[index] as Step;

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
