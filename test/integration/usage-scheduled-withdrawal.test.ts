/**
 * A method withdrawn with a month's end (ADR 0030) on the embedded stack: Demo Bank's setup dates
 * eID until December, seeded in an earlier month. Through December's last minute the catalogue
 * offers eID and a start with it is taken; from January's first (UTC) the catalogue leaves it out
 * and a start with it is refused, with nobody seeding anything. December's statement charges eID's
 * monthly fee, January's does not; the same configuration seeds again in January.
 *
 * The clock: the handlers read the time from `Date`, which the test moves (only `Date`; timers keep
 * running) to December of next year, then over the year's end.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ServiceConfigSchema } from '../../lambdas/core/service-config.js';
import { seedConfig } from '../../lambdas/usecases/seed-config.js';
import { checkEnabledMethods, DEFAULT_CONFIG_PATH } from '../../local/config.js';
import { call, tokenFor, useStack } from '../support/stack.js';
import { paperStartBody } from '../support/white-paper.js';

/** December of the year after the one the test runs in: eID's last month. */
const YEAR = new Date().getUTCFullYear() + 1;
const DECEMBER = `${YEAR}-12`;
const JANUARY = `${YEAR + 1}-01`;

function bankConfig() {
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
  const bank = raw.serviceProviders.find((sp: { clientId: string }) => sp.clientId === 'demo-bank');
  bank.enabledMethods = [
    { issuer: 'BankIdent-Demo', method: 'bank', from: '2026-01' },
    { issuer: 'eID-Demo', method: 'eid', from: '2026-01', until: DECEMBER },
    { issuer: 'Test-ISP', method: 'test', from: '2026-01' },
    { issuer: 'Test-ISP', method: 'video', from: '2026-01' },
    { issuer: 'VideoIdent-Demo', method: 'video', from: '2026-01' },
  ];
  return ServiceConfigSchema.parse(raw);
}

// Seeded at the stack's start, in the month the test runs in: eID is dated until a month to come.
const stack = useStack(() => ({ rateLimits: false, config: bankConfig() }));

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
});
afterAll(() => {
  vi.useRealTimers();
});

const offeredIssuers = async (token: string) => {
  const res = await call<{ issuer: string }[]>(stack(), 'GET', '/api/providers', { token });
  expect(res.status).toBe(200);
  return res.body.map((entry) => entry.issuer);
};

const startWithEid = (token: string) =>
  call<{ refId?: string; errors?: { field: string; message: string }[] }>(
    stack(),
    'POST',
    '/api/identifications',
    { token, json: paperStartBody({ issuer: 'eID-Demo', method: 'eid' }) },
  );

const monthlyFeesIn = async (token: string, month: string) => {
  const res = await call<{ statement: { monthlyFeeMethods: string; charges: Record<string, unknown>[] } }>(
    stack(),
    'GET',
    `/api/usage?month=${month}`,
    { token },
  );
  expect(res.status).toBe(200);
  expect(res.body.statement.monthlyFeeMethods).toBe('enabled-that-month');
  return res.body.statement.charges.filter((c) => c.item === 'monthly-fee').map((c) => c.issuer);
};

describe('eID dated until December', () => {
  it('is offered and started through December’s end and neither from January (UTC), with nobody seeding', async () => {
    vi.setSystemTime(new Date(`${DECEMBER}-31T23:59:00.000Z`));
    const december = await tokenFor(stack(), 'demo-bank');

    expect(await offeredIssuers(december)).toContain('eID-Demo');
    expect((await startWithEid(december)).status).toBe(201);

    vi.setSystemTime(new Date(`${JANUARY}-01T00:00:00.000Z`));
    const january = await tokenFor(stack(), 'demo-bank');

    const offered = await offeredIssuers(january);
    expect(offered).not.toContain('eID-Demo');
    expect(offered).toContain('BankIdent-Demo');
    const refused = await startWithEid(january);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'method', message: 'Method is not offered to you by eID-Demo.' },
    ]);
  });

  it('is charged for December and not for January', async () => {
    vi.setSystemTime(new Date(`${JANUARY}-15T12:00:00.000Z`));
    const token = await tokenFor(stack(), 'demo-bank');

    expect(await monthlyFeesIn(token, DECEMBER)).toEqual([
      'BankIdent-Demo',
      'Test-ISP',
      'VideoIdent-Demo',
      'eID-Demo',
    ]);
    expect(await monthlyFeesIn(token, JANUARY)).toEqual(['BankIdent-Demo', 'Test-ISP', 'VideoIdent-Demo']);
  });

  it('seeds again from the same configuration in January: its dates say eID has ended', async () => {
    vi.setSystemTime(new Date(`${JANUARY}-15T12:00:00.000Z`));
    const config = bankConfig();

    expect(() => checkEnabledMethods(config)).not.toThrow();
    await expect(seedConfig(stack().repository, config)).resolves.toEqual({ removedClaimedIdentities: [] });
  });
});
