/**
 * Retention and erasure on the embedded stack: what remains of a person's data after the operator
 * erases it (`npm run admin -- erase`), and after each retention period, with the embedded stack's
 * emulation of DynamoDB Time to Live sweeping at chosen times.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME } from '../../local/stack.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { acceptTerms, evidenceFor, sendEvent, sendEvidence, termsLinkFromOutbox } from '../support/isp.js';
import { call, paperStartBody, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let portal: string;
const DAY = 86_400_000;

/** Every item of the table, as stored. */
async function scanTable(): Promise<Record<string, unknown>[]> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack().dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  db.destroy();
  return items;
}

/** The items that concern these orders and numbers, named by kind: what a person left behind. */
async function remains(refIds: string[], msisdns: string[]): Promise<string[]> {
  const names: string[] = [];
  for (const item of await scanTable()) {
    const pk = String(item.PK);
    const sk = String(item.SK);
    const ref = refIds.findIndex((r) => pk.includes(r) || sk.includes(r) || item.refId === r);
    const who = msisdns.findIndex((m) => pk === `REG#${m}`);
    if (who >= 0) names.push(`registration ${who}`);
    else if (ref >= 0) {
      const kind = pk.startsWith('USAGE#') ? `usage ${item.event}` : pk.split('#')[0]?.toLowerCase();
      names.push(`${kind} ${ref}`);
    }
  }
  return names.sort();
}

/**
 * The usage records (no person data) of three orders: 0 cancelled by the person, 1 registered,
 * 2 with evidence imported.
 */
const USAGE_OF_THE_THREE = [
  'usage cancelled-user 0',
  'usage evidence-imported 1',
  'usage evidence-imported 2',
  'usage started 0',
  'usage started 1',
  'usage started 2',
  'usage terms-accepted 1',
];

const verify = (msisdn: string, givenName: string, familyName: string) =>
  call(stack(), 'POST', '/api/verify', {
    json: {
      msisdn,
      claimedIdentity: 'test-client',
      assuranceLevel: 3,
      distinguishedName: `gn=${givenName}, sn=${familyName}, cn=${givenName} ${familyName}, c=CH`,
    },
  });

/** A person identified and registered through the whole journey; answers the refId. */
async function registered(mobile: string, givenName: string, familyName: string): Promise<string> {
  const { refId } = await startOrder(stack(), portal, { mobile, firstName: givenName, lastName: familyName });
  const evidence = evidenceFor({ mobile, method: 'test' }, { givenName, familyName });
  expect((await sendEvidence(stack(), refId, evidence)).status).toBe(200);
  const link = await waitFor(
    async () => termsLinkFromOutbox(stack(), mobile),
    (l) => l !== undefined,
  );
  expect((await acceptTerms(link as string)).status).toBe(200);
  expect((await stack().stepFunctions.settled(refId)).status).toBe('SUCCEEDED');
  return refId;
}

async function cancelledByPerson(mobile: string, givenName: string, familyName: string): Promise<string> {
  const { refId } = await startOrder(stack(), portal, { mobile, firstName: givenName, lastName: familyName });
  expect((await sendEvent(stack(), refId, 'cancelled', { kind: 'user' })).status).toBe(200);
  expect((await stack().stepFunctions.settled(refId)).status).not.toBe('RUNNING');
  return refId;
}

const stack = useStack({ rateLimits: false, timeToLiveSweepSeconds: 0 });
beforeAll(async () => {
  portal = await tokenFor(stack(), 'demo-portal');
});

describe('npm run admin -- erase', () => {
  it('removes the registration, the orders and the evidence of the person; keeps usage and an erasure record', async () => {
    const cancelled = await cancelledByPerson('+41790008101', 'Erika', 'Erasmus');
    const completed = await registered('+41790008101', 'Erika', 'Erasmus');
    const other = await registered('+41790008102', 'Otto', 'Other');
    expect((await verify('41790008101', 'Erika', 'Erasmus')).status).toBe(200);
    const before = await remains([cancelled, completed, other], ['41790008101', '41790008102']);

    const out = await runAdmin(
      ['erase', '--msisdn', '+41790008101', '--reference', 'DSR-2026-17'],
      tableEnv(stack()),
    );

    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.lines).toEqual([
      {
        erased: { registrations: 1, orders: 2, evidence: 1 },
        id: expect.any(String),
        at: expect.any(String),
        reference: 'DSR-2026-17',
      },
    ]);
    expect(before).toEqual(
      expect.arrayContaining(['order 0', 'order 1', 'evidence 1', 'registration 0', 'order 2', 'evidence 2']),
    );
    expect(await remains([cancelled, completed, other], ['41790008101', '41790008102'])).toEqual([
      'evidence 2',
      'order 2',
      'registration 1',
      // The other person's terms link (no person data; it expires a day after the link).
      'terms 2',
      ...USAGE_OF_THE_THREE,
      'usage terms-accepted 2',
    ]);
    // Nothing in the whole table names the person any more (the partner's JWS went with the evidence).
    const table = JSON.stringify(await scanTable());
    for (const trace of ['41790008101', 'Erasmus', 'Erika']) expect(table).not.toContain(trace);
    const [record] = (await scanTable()).filter((i) => String(i.PK).startsWith('ERASURE#'));
    expect(record).toMatchObject({
      reference: 'DSR-2026-17',
      erased: { registrations: 1, orders: 2, evidence: 1 },
    });
  });

  it('verify answers negative afterwards, the SP’s status call 404; the other person is untouched', async () => {
    expect((await verify('41790008101', 'Erika', 'Erasmus')).status).toBe(404);
    expect((await verify('41790008102', 'Otto', 'Other')).status).toBe(200);
    const statuses = await Promise.all(
      (await scanTable())
        .filter((i) => i.event === 'started')
        .map((i) => call(stack(), 'GET', `/api/identifications/${String(i.refId)}`, { token: portal })),
    );
    // The other person's order; both of the erased person's.
    expect(statuses.map((s) => s.status).sort()).toEqual([200, 404, 404]);
  });

  it('a second erasure finds nothing and says so', async () => {
    const out = await runAdmin(['erase', '--msisdn', '41790008101'], tableEnv(stack()));

    expect(out.code).toBe(0);
    expect(out.lines[0]).toMatchObject({
      erased: { registrations: 0, orders: 0, evidence: 0 },
      reference: null,
    });
  });

  it('refuses while an identification of the person runs, changing nothing', async () => {
    const { refId } = await startOrder(stack(), portal, { mobile: '+41790008103' });

    const out = await runAdmin(['erase', '--msisdn', '+41790008103'], tableEnv(stack()));

    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `admin: Identifications of this person are still running (${refId}): nothing was erased; try again when they have ended.\n`,
    );
    expect(await stack().repository.getOrder(refId)).toBeDefined();
    await sendEvent(stack(), refId, 'cancelled', { kind: 'user' });
  });

  it('leaves nothing about the number: with an idempotency key, webhook deliveries and AML reads, only records without person data stay', async () => {
    // Prepare: demo-bank notified by webhook, starting with an Idempotency-Key, reading the AML data
    const mobile = '+41790008104';
    const person = {
      firstName: 'Quirin',
      lastName: 'Quaderer',
      email: 'quirin.q@example.org',
      dob: '1981-07-19',
    };
    const bank = await tokenFor(stack(), 'demo-bank');
    const receiver = await new WebhookReceiver().start();
    const endpoint = await call<{ id: string }>(stack(), 'POST', '/api/webhooks', {
      token: bank,
      json: { url: receiver.url },
    });
    expect(endpoint.status).toBe(201);
    try {
      const started = await call<{ refId: string }>(stack(), 'POST', '/api/identifications', {
        token: bank,
        headers: { 'Idempotency-Key': 'erasure-test-4104' },
        json: paperStartBody({ ...person, mobile, issuer: 'BankIdent-Demo', method: 'bank' }),
      });
      expect(started.status).toBe(201);
      const { refId } = started.body;
      const identified = await call(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
        json: { status: 'data-ready', person: { lastName: person.lastName } },
      });
      expect(identified.status).toBe(200);
      const link = await waitFor(
        async () => termsLinkFromOutbox(stack(), mobile),
        (l) => l !== undefined,
      );
      expect((await acceptTerms(link as string)).status).toBe(200);
      expect((await stack().stepFunctions.settled(refId)).status).toBe('SUCCEEDED');
      const aml = await call(stack(), 'GET', `/api/identifications/${refId}/identification-data`, {
        token: bank,
      });
      expect(aml.status).toBe(200);
      await waitFor(
        async () => receiver.received.map((m) => m.body).join('\n'),
        (bodies) => bodies.includes('terms-accepted'),
      );
      const concerning = async () =>
        (await scanTable())
          .filter((item) => JSON.stringify(item).includes(refId))
          .map((item) => String(item.PK).split('#')[0])
          .sort();
      expect(new Set(await concerning())).toEqual(
        new Set(['AML', 'EVIDENCE', 'IDEMP', 'ORDER', 'REG', 'TERMS', 'USAGE', 'WEBHOOK']),
      );

      // Act
      const out = await runAdmin(['erase', '--msisdn', mobile], tableEnv(stack()));

      // Assess: only what holds no person data is left of the order — usage records, the AML access
      // record, the webhook delivery log — and nothing in the table names the person
      expect(out).toMatchObject({ code: 0, stderr: '' });
      expect(out.lines[0]).toMatchObject({ erased: { registrations: 1, orders: 1, evidence: 1 } });
      expect(new Set(await concerning())).toEqual(new Set(['AML', 'USAGE', 'WEBHOOK']));
      const table = JSON.stringify(await scanTable());
      for (const trace of [mobile.slice(1), ...Object.values(person)]) expect(table).not.toContain(trace);
      expect((await verify(mobile.slice(1), person.firstName, person.lastName)).status).toBe(404);
    } finally {
      await call(stack(), 'DELETE', `/api/webhooks/${endpoint.body.id}`, { token: bank });
      await receiver.stop();
    }
  });

  it('refuses an option given twice and erases nothing: not the last number, as parseArgs would keep', async () => {
    await registered('+41790008111', 'Rosa', 'Repeat');
    await registered('+41790008112', 'Ruth', 'Repeat');
    const erasures = async () =>
      (await scanTable()).filter((i) => String(i.PK).startsWith('ERASURE#')).length;
    const erasuresBefore = await erasures();

    const out = await runAdmin(
      ['erase', '--msisdn', '+41790008111', '--msisdn', '+41790008112'],
      tableEnv(stack()),
    );

    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toBe('admin: --msisdn is given more than once. (npm run admin -- --help)\n');
    expect((await verify('41790008111', 'Rosa', 'Repeat')).status).toBe(200);
    expect((await verify('41790008112', 'Ruth', 'Repeat')).status).toBe(200);
    expect(await erasures()).toBe(erasuresBefore);
  });

  it('refuses a number that is not one with exit code 2', async () => {
    for (const args of [
      ['erase'],
      ['erase', '--msisdn', 'hans'],
      ['erase', '--msisdn', '+41790008101', '--reference', 'a b'],
    ]) {
      const out = await runAdmin(args, tableEnv(stack()));
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stdout).toBe('');
    }
  });
});

describe('retention: what DynamoDB Time to Live leaves (emulated sweeps at chosen times)', () => {
  let cancelled: string;
  let completed: string;
  let open: string;
  const msisdn = '41790008201';
  const t0 = Date.now();
  const sweepAt = (ms: number) => stack().timeToLive.sweep(new Date(t0 + ms));

  beforeAll(async () => {
    cancelled = await cancelledByPerson('+41790008201', 'Rita', 'Retention');
    completed = await registered('+41790008201', 'Rita', 'Retention');
    // Evidence imported, terms never accepted.
    open = (await startOrder(stack(), portal, { mobile: '+41790008202' })).refId;
    expect(
      (await sendEvidence(stack(), open, evidenceFor({ mobile: '+41790008202', method: 'test' }))).status,
    ).toBe(200);
    // The terms SMS leaves asynchronously (the state machine's next step).
    await waitFor(
      async () => termsLinkFromOutbox(stack(), '+41790008202'),
      (l) => l !== undefined,
    );
  });

  const state = () => remains([cancelled, completed, open], [msisdn]);

  it('after 31 days: the order that ended without a registration is gone, the rest is there', async () => {
    await sweepAt(31 * DAY);

    expect(await state()).toEqual([
      'evidence 1',
      'evidence 2',
      'order 1',
      'order 2',
      'registration 0',
      ...USAGE_OF_THE_THREE,
    ]);
    // Terms links live a day past their 14 days, partner message ids until they expire.
    const kinds = new Set((await scanTable()).map((i) => String(i.PK).split('#')[0]));
    expect(kinds.has('TERMS')).toBe(false);
    expect(kinds.has('JTI')).toBe(false);
  });

  it('after 45 days: the order that never ended (and its evidence) is gone too', async () => {
    // Test-ISP: 4 h partner timeout + 14 days terms window + 30 days.
    await sweepAt(45 * DAY);

    expect(await state()).toEqual(['evidence 1', 'order 1', 'registration 0', ...USAGE_OF_THE_THREE]);
  });

  it('after 91 days: the registered order is gone; registration and evidence stay; verify is positive', async () => {
    await sweepAt(91 * DAY);

    expect((await state()).filter((s) => !s.startsWith('usage'))).toEqual(['evidence 1', 'registration 0']);
    expect((await verify(msisdn, 'Rita', 'Retention')).status).toBe(200);
  });

  it('when the registration’s validity ends: the registration goes, verify is negative; the evidence stays', async () => {
    const reg = await stack().repository.getRegistration(msisdn);
    await stack().timeToLive.sweep(new Date(Date.parse(reg?.validUntil ?? '') + 1000));

    expect((await state()).filter((s) => !s.startsWith('usage'))).toEqual(['evidence 1']);
    expect((await verify(msisdn, 'Rita', 'Retention')).status).toBe(404);
  });

  it('after 10 years the usage records go; 11 years after the validity the evidence', async () => {
    await sweepAt(10 * 366 * DAY);
    expect(await state()).toEqual(['evidence 1']);

    await sweepAt(17 * 366 * DAY);
    expect(await state()).toEqual([]);
    // The verify counters went with the usage records; the erasure record of the test above too.
    const kinds = new Set((await scanTable()).map((i) => String(i.PK).split('#')[0]));
    for (const gone of ['USAGE', 'ERASURE', 'ORDER', 'EVIDENCE', 'REG', 'TERMS', 'JTI', 'IDEMP'])
      expect(kinds.has(gone), gone).toBe(false);
    expect(kinds.has('SP')).toBe(true);
    // Configuration has no expiry.
    expect(await stack().repository.getSpSetup('demo-portal')).toBeDefined();
  });
});
