/**
 * Properties of the pure core, checked on generated inputs (fast-check): round trips, invariants
 * and monotonic rules that must hold for every input, not only for the examples of the other tests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogueFor, effectiveLoa, type ProviderFilters } from '../../lambdas/core/catalogue.js';
import { DnSyntaxError, matchDn, parseDn } from '../../lambdas/core/dn.js';
import type { IspConfig, Jurisdiction, Loa, SpSetup } from '../../lambdas/core/domain.js';
import { canonicalJson, decideIdempotency, requestFingerprint } from '../../lambdas/core/idempotency.js';
import {
  applyEvent,
  CANCEL_KINDS,
  currentStatus,
  FINAL_STATUSES,
  type LifecycleEvent,
  type Order,
} from '../../lambdas/core/order.js';
import { decideVerify } from '../../lambdas/core/registration.js';
import { DN_PATTERN, VerifyRequest } from '../../lambdas/core/schemas.js';
import { portablePattern } from '../../lambdas/http/portable-pattern.js';
import { catalogue, ispConfig, order, registration, spSetup, T0 } from './fixtures.js';

const T0_ISO = T0.toISOString();

const RUNS = { numRuns: 300 };

// ---------------------------------------------------------------- generators

/** Name-like text with the characters RFC 4514 makes special, but no surrounding spaces. */
const nameText = fc
  .string({
    unit: fc.constantFrom(...'aAzZéÜß ,+"\\;<>=#-.\''.split(''), ...'Hans Müller'.split('')),
    minLength: 1,
    maxLength: 30,
  })
  .filter((s) => s.trim() === s && s !== '');

/** RFC 4514 §2.4: escape the specials, a leading `#` and leading or trailing spaces. */
function escapeDnValue(value: string): string {
  let out = value.replace(/[,+"\\;<>=]/g, (c) => `\\${c}`);
  if (out.startsWith('#')) out = `\\${out}`;
  return out;
}

const jurisdictionSet = fc.subarray<Jurisdiction>(['ZERTES', 'EIDAS'], { minLength: 1 });
const loa = fc.constantFrom<Loa>(3, 4);

// ---------------------------------------------------------------- DN

describe('distinguished names', () => {
  it('parse back to the values they were written from, however the values are escaped', () => {
    fc.assert(
      fc.property(nameText, nameText, (given, family) => {
        const attrs = parseDn(`gn=${escapeDnValue(given)}, sn=${escapeDnValue(family)}`);

        expect(attrs.get('gn')).toEqual([given]);
        expect(attrs.get('sn')).toEqual([family]);
      }),
      RUNS,
    );
  });

  it('match the person whatever the case and spacing the SP writes, and never another family name', () => {
    fc.assert(
      fc.property(nameText, nameText, nameText, (given, family, other) => {
        const person = { givenName: given, familyName: family, nationalities: ['CH'], serialNumber: 'S-1' };
        const shouted = `GN=  ${escapeDnValue(given.toUpperCase())} ,  SN=${escapeDnValue(family.toUpperCase())}`;
        const toOther = `gn=${escapeDnValue(given)}, sn=${escapeDnValue(other)}`;

        // Upper-casing may change length (ß → SS): only claim a match where it round-trips.
        fc.pre(given.toUpperCase().toLowerCase() === given.toLowerCase());
        fc.pre(family.toUpperCase().toLowerCase() === family.toLowerCase());
        expect(matchDn(parseDn(shouted), person)).toEqual({ ok: true });
        if (other.toLowerCase().replace(/\s+/g, ' ') !== family.toLowerCase().replace(/\s+/g, ' '))
          expect(matchDn(parseDn(toOther), person).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('of the form the OpenAPI document publishes (its portable pattern) are all taken by the verify call’s schema', () => {
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(portablePattern(DN_PATTERN))), (dn) => {
        fc.pre(dn.length <= 1024);
        const body = {
          msisdn: '41791234567',
          claimedIdentity: 'test-client',
          assuranceLevel: 3,
          distinguishedName: dn,
        };

        expect(VerifyRequest.safeParse(body).success, JSON.stringify(dn)).toBe(true);
      }),
      RUNS,
    );
  });

  it('refuse any text only with a DnSyntaxError, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseDn(text);
        } catch (err) {
          expect(err).toBeInstanceOf(DnSyntaxError);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- verify

describe('the verify decision', () => {
  const dn = 'gn=Hans, sn=Müller';
  const question = fc.record({ assuranceLevel: loa, jurisdictions: jurisdictionSet });
  const reg = fc.record({ loa, jurisdictions: jurisdictionSet }).map((r) => registration(r));

  it('a LoA 4 registration satisfies a LoA 3 request whenever it satisfies the LoA 4 one; LoA 3 never satisfies 4', () => {
    fc.assert(
      fc.property(reg, question, (r, q) => {
        const at = (level: Loa) =>
          decideVerify(r, { ...q, assuranceLevel: level, distinguishedName: dn }, T0_ISO).ok;

        if (at(4)) expect(at(3)).toBe(true);
        if (r.loa === 3) expect(at(4)).toBe(false);
      }),
      RUNS,
    );
  });

  it('asking for fewer jurisdictions never turns a yes into a no', () => {
    fc.assert(
      fc.property(reg, question, jurisdictionSet, (r, q, fewer) => {
        const subset = q.jurisdictions.filter((j) => fewer.includes(j));
        fc.pre(subset.length > 0);
        const yes = decideVerify(r, { ...q, distinguishedName: dn }, T0_ISO).ok;

        if (yes)
          expect(decideVerify(r, { ...q, jurisdictions: subset, distinguishedName: dn }, T0_ISO).ok).toBe(
            true,
          );
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- catalogue

describe('the catalogue', () => {
  const isp = fc
    .record({
      issuer: fc.constantFrom('A-ISP', 'B-ISP', 'C-ISP'),
      loa,
      jurisdictions: jurisdictionSet,
      realtimeMethods: fc.subarray(['video', 'bank', 'auto', 'test']),
      offlineMethods: fc.subarray(['courier', 'pos']),
      offline: fc.boolean(),
      webflow: fc.boolean(),
      operatorAssisted: fc.boolean(),
    })
    .map((r): IspConfig => ispConfig(r));
  const isps = fc.uniqueArray(isp, { selector: (i) => i.issuer, maxLength: 3 });
  const sp = fc
    .record({
      jurisdictions: jurisdictionSet,
      loas: fc.subarray<Loa>([3, 4], { minLength: 1 }),
      financialIntermediary: fc.boolean(),
    })
    .map(
      (r): SpSetup => spSetup({ ...r, methods: { 'A-ISP': '*', 'B-ISP': '*', 'C-ISP': ['video', 'pos'] } }),
    );
  const filters: fc.Arbitrary<ProviderFilters> = fc.record(
    {
      issuer: fc.constantFrom('A-ISP', 'b-isp', 'C-ISP'),
      jurisdiction: fc.constantFrom<Jurisdiction>('ZERTES', 'EIDAS'),
      loa,
      offline: fc.boolean(),
      webflow: fc.boolean(),
      realtimeMethod: fc.constantFrom('video', 'bank', 'test'),
      offlineMethod: fc.constantFrom('courier', 'pos'),
    },
    { requiredKeys: [] },
  );

  it('a filter only ever removes entries, and each entry left fulfils it', () => {
    fc.assert(
      fc.property(isps, sp, filters, (all, s, f) => {
        const unfiltered = catalogueFor(all, s, {}).map((e) => JSON.stringify(e));
        const filtered = catalogueFor(all, s, f);

        for (const entry of filtered) {
          expect(unfiltered).toContain(JSON.stringify(entry));
          if (f.loa !== undefined) expect(entry.loa).toBeGreaterThanOrEqual(f.loa);
          if (f.jurisdiction !== undefined) expect(entry.jurisdiction.split(',')).toContain(f.jurisdiction);
          if (f.realtimeMethod !== undefined) expect(entry.realtimeMethods).toContain(f.realtimeMethod);
        }
      }),
      RUNS,
    );
  });

  it('never offers video under ZertES to an SP that is not a financial intermediary, nor more than LoA 3 without an operator', () => {
    fc.assert(
      fc.property(isps, sp, (all, s) => {
        for (const entry of catalogueFor(all, { ...s, financialIntermediary: false }, {})) {
          if (entry.realtimeMethods.includes('video')) expect(entry.jurisdiction).not.toContain('ZERTES');
        }
        for (const i of all) {
          expect(effectiveLoa(i)).toBeLessThanOrEqual(i.loa);
          if (!i.operatorAssisted) expect(effectiveLoa(i)).toBe(3);
        }
      }),
      RUNS,
    );
  });

  it('shows an SP only partners and jurisdictions of its setup', () => {
    fc.assert(
      fc.property(sp, (s) => {
        for (const entry of catalogueFor(catalogue(), s, {})) {
          expect(Object.keys(s.methods)).toContain(entry.issuer);
          for (const j of entry.jurisdiction.split(',')) expect(s.jurisdictions).toContain(j);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- lifecycle

describe('the lifecycle transition table', () => {
  const event: fc.Arbitrary<LifecycleEvent> = fc.oneof(
    fc.constant<LifecycleEvent>({ type: 'initialized', source: 'service' }),
    fc.constant<LifecycleEvent>({ type: 'waiting-for-doc', source: 'isp' }),
    fc.constant<LifecycleEvent>({ type: 'done', source: 'isp' }),
    fc.constant<LifecycleEvent>({ type: 'data-ready', source: 'isp', evidenceId: 'ev-1' }),
    fc.constant<LifecycleEvent>({ type: 'data-ready', source: 'isp' }),
    fc.constant<LifecycleEvent>({
      type: 'terms-accepted',
      source: 'person',
      distinguishedName: 'gn=A, sn=B',
    }),
    fc
      .constantFrom(...CANCEL_KINDS.filter((k) => k !== 'expired'))
      .map((kind): LifecycleEvent => ({ type: 'cancelled', source: 'isp', kind: kind as 'user' })),
    fc.constant<LifecycleEvent>({ type: 'cancelled', source: 'service', kind: 'expired' }),
    fc.constant<LifecycleEvent>({ type: 'failed', source: 'service', reason: 'retries ran out' }),
  );
  const created = (): Order =>
    order({ statuses: [order().statuses[0] as Order['statuses'][number]], evidenceId: null });

  it('an applied event appends exactly one entry and one version; anything else returns no order', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        let current = created();
        for (const e of events) {
          const before = structuredClone(current);
          const result = applyEvent(current, e, T0);

          expect(current).toEqual(before); // the input is never changed
          if (result.outcome === 'applied') {
            expect(result.order.statuses).toEqual([...before.statuses, result.entry]);
            expect(result.order.version).toBe(before.version + 1);
            current = result.order;
          } else {
            expect(result).not.toHaveProperty('order');
          }
        }
      }),
      RUNS,
    );
  });

  it('a final order stays final: no event applies to it any more', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), fc.array(event, { maxLength: 6 }), (first, then) => {
        let current = created();
        for (const e of first) {
          const r = applyEvent(current, e, T0);
          if (r.outcome === 'applied') current = r.order;
        }
        fc.pre(FINAL_STATUSES.includes(currentStatus(current)));

        for (const e of then) expect(applyEvent(current, e, T0).outcome).not.toBe('applied');
      }),
      RUNS,
    );
  });

  it('applying the same event twice is a duplicate the second time', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 10 }), (events) => {
        let current = created();
        for (const e of events) {
          const r = applyEvent(current, e, T0);
          if (r.outcome !== 'applied') continue;
          current = r.order;
          expect(applyEvent(current, e, T0).outcome).toBe('duplicate');
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- idempotency

describe('idempotency', () => {
  const body = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });

  it('a request fingerprint does not depend on the order of the fields', () => {
    fc.assert(
      fc.property(body, (b) => {
        const reversed = Object.fromEntries(Object.entries(b).reverse());

        expect(requestFingerprint(reversed)).toBe(requestFingerprint(b));
        expect(JSON.parse(canonicalJson(b))).toEqual(JSON.parse(JSON.stringify(b)));
      }),
      RUNS,
    );
  });

  it('a changed value changes the fingerprint, and the same key with another request is a mismatch', () => {
    fc.assert(
      fc.property(body, fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), (b, field, value) => {
        const changed = { ...b, [field]: value };
        fc.pre(canonicalJson(changed) !== canonicalJson(b));
        const first = requestFingerprint(b);

        expect(requestFingerprint(changed)).not.toBe(first);
        expect(
          decideIdempotency({ state: 'in-progress', fingerprint: first }, requestFingerprint(changed)),
        ).toEqual({ action: 'mismatch' });
        expect(
          decideIdempotency({ state: 'completed', fingerprint: first, statusCode: 201, body: '{}' }, first),
        ).toEqual({ action: 'replay', statusCode: 201, body: '{}' });
      }),
      RUNS,
    );
  });
});
