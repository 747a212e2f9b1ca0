/**
 * The catalogue follows an SP's dated methods (ADR 0030): a method dated until a month is offered
 * through that month's end (UTC) and no longer from the next, with nobody seeding anything.
 */
import { describe, expect, it } from 'vitest';
import { catalogueFor, decideMethod } from '../../lambdas/core/catalogue.js';
import type { SpSetup } from '../../lambdas/core/domain.js';
import { methodOptions } from '../../lambdas/core/method-choice.js';
import { setupInEffect } from '../../lambdas/core/setup-in-effect.js';
import { bankIsp, bankSp, catalogue, eidIsp } from './fixtures.js';

/** Bank-ISP's and eID-ISP's methods since January 2026, eID until December 2026. */
const eidEndsWithDecember = (): SpSetup => ({
  ...bankSp(),
  methods: { 'Bank-ISP': '*', 'eID-ISP': ['eid'] },
  enabledMethods: [
    { issuer: 'Bank-ISP', method: 'bank', from: '2026-01' },
    { issuer: 'eID-ISP', method: 'eid', from: '2026-01', until: '2026-12' },
  ],
});
const LAST_MOMENT_OF_DECEMBER = new Date('2026-12-31T23:59:59.999Z');
const FIRST_MOMENT_OF_JANUARY = new Date('2027-01-01T00:00:00.000Z');

const issuers = (sp: SpSetup) => catalogueFor(catalogue(), sp, {}).map((entry) => entry.issuer);

describe('setupInEffect', () => {
  it('offers a method dated until December through December’s last millisecond (UTC), not from January', () => {
    const sp = eidEndsWithDecember();

    expect(issuers(setupInEffect(sp, LAST_MOMENT_OF_DECEMBER))).toEqual(['Bank-ISP', 'eID-ISP']);
    expect(issuers(setupInEffect(sp, FIRST_MOMENT_OF_JANUARY))).toEqual(['Bank-ISP']);
  });

  it('counts the months in UTC: 00:30 on 1 January in Zurich is still December', () => {
    const sp = eidEndsWithDecember();

    expect(issuers(setupInEffect(sp, new Date('2026-12-31T23:30:00+00:00')))).toEqual([
      'Bank-ISP',
      'eID-ISP',
    ]);
  });

  it('refuses to start the method from January, naming the method, not the issuer', () => {
    const sp = eidEndsWithDecember();
    const choice = { issuer: 'eID-ISP', method: 'eid' };

    expect(decideMethod(catalogue(), setupInEffect(sp, LAST_MOMENT_OF_DECEMBER), choice)).toMatchObject({
      ok: true,
    });
    expect(decideMethod(catalogue(), setupInEffect(sp, FIRST_MOMENT_OF_JANUARY), choice)).toEqual({
      ok: false,
      field: 'method',
      message: 'Method is not offered to you by eID-ISP.',
    });
  });

  it('leaves the method off the method-choice page from January', () => {
    const sp = eidEndsWithDecember();
    const options = (now: Date) =>
      methodOptions(catalogue(), setupInEffect(sp, now), { jurisdiction: null, assuranceLevel: null }).map(
        (o) => o.issuer,
      );

    expect(options(LAST_MOMENT_OF_DECEMBER)).toEqual(['Bank-ISP', 'eID-ISP']);
    expect(options(FIRST_MOMENT_OF_JANUARY)).toEqual(['Bank-ISP']);
  });

  it('offers only what the SP’s methods allow, however it is dated', () => {
    const sp: SpSetup = { ...eidEndsWithDecember(), methods: { 'Bank-ISP': '*' } };

    expect(catalogueFor([bankIsp(), eidIsp()], setupInEffect(sp, LAST_MOMENT_OF_DECEMBER), {})).toHaveLength(
      1,
    );
  });

  it('offers a method dated from a month no earlier than that month', () => {
    const sp = {
      ...eidEndsWithDecember(),
      enabledMethods: [
        { issuer: 'Bank-ISP', method: 'bank', from: '2026-01' },
        { issuer: 'eID-ISP', method: 'eid', from: '2027-01' },
      ],
    };

    expect(issuers(setupInEffect(sp, LAST_MOMENT_OF_DECEMBER))).toEqual(['Bank-ISP']);
    expect(issuers(setupInEffect(sp, FIRST_MOMENT_OF_JANUARY))).toEqual(['Bank-ISP', 'eID-ISP']);
  });

  it('leaves a setup without dated methods as it is (the form before ADR 0028)', () => {
    const sp = bankSp();

    expect(setupInEffect(sp, FIRST_MOMENT_OF_JANUARY)).toBe(sp);
  });
});
