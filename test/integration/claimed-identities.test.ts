/**
 * Verify per claimed identity, against the embedded stack with the demo configuration: every
 * partner of the catalogue identifies a person (driven through the Test-ISP simulator, as the
 * README does) who then verifies positive under a claimed identity whose jurisdictions the
 * identification covers — and negative, uniformly, under one it does not cover.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { identifyAndAcceptTerms } from '../support/isp.js';
import { expectUniformNegative } from '../support/problems.js';
import { call, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';

const tokens: Record<string, string> = {};

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  tokens['demo-portal'] = await tokenFor(stack(), 'demo-portal');
  tokens['demo-bank'] = await tokenFor(stack(), 'demo-bank');
});

const verify = (msisdn: string, claimedIdentity: string, assuranceLevel: 3 | 4, distinguishedName: string) =>
  call(stack(), 'POST', '/api/verify', {
    json: { msisdn, claimedIdentity, assuranceLevel, distinguishedName },
  });

/** Starts with the issuer and method, identifies the person in the simulator, accepts the terms. */
async function identify(sp: string, issuer: string, method: string, mobile: string, lastName: string) {
  const { refId } = await startOrder(stack(), tokens[sp] as string, { mobile, lastName, issuer, method });
  await identifyAndAcceptTerms(stack(), refId, mobile);
  const status = await waitFor(
    () =>
      call<{ statuses: { status: string }[] }>(stack(), 'GET', `/api/identifications/${refId}`, {
        token: tokens[sp],
      }),
    (r) => r.body.statuses.at(-1)?.status === 'terms-accepted',
  );
  return status;
}

// The expectations, written by hand from the catalogue (config/local.json) and the paper's rules.
const PARTNERS: {
  issuer: string;
  method: string;
  sp: 'demo-portal' | 'demo-bank';
  loa: 3 | 4;
  positive: string;
  negative: string;
}[] = [
  // the paper's Test-ISP: both laws, LoA 3
  {
    issuer: 'Test-ISP',
    method: 'test',
    sp: 'demo-portal',
    loa: 3,
    positive: 'test-client',
    negative: 'none',
  },
  // video for a non-financial intermediary: eIDAS only
  {
    issuer: 'VideoIdent-Demo',
    method: 'video',
    sp: 'demo-portal',
    loa: 4,
    positive: 'demo-portal-eu',
    negative: 'test-client',
  },
  // the AML example person: BankIdent-Demo is eIDAS only
  {
    issuer: 'BankIdent-Demo',
    method: 'bank',
    sp: 'demo-bank',
    loa: 4,
    positive: 'demo-bank-signing-eu',
    negative: 'demo-bank-signing',
  },
  {
    issuer: 'eID-Demo',
    method: 'eid',
    sp: 'demo-portal',
    loa: 4,
    positive: 'demo-portal-eu',
    negative: 'test-client',
  },
  // no operator: LoA 3 under both laws
  {
    issuer: 'AutoIdent-Demo',
    method: 'auto',
    sp: 'demo-portal',
    loa: 3,
    positive: 'test-client',
    negative: 'none',
  },
  // offline partners
  {
    issuer: 'Courier-Demo',
    method: 'courier',
    sp: 'demo-portal',
    loa: 4,
    positive: 'test-client',
    negative: 'none',
  },
  {
    issuer: 'PointOfSale-Demo',
    method: 'pos',
    sp: 'demo-portal',
    loa: 4,
    positive: 'demo-portal-ch',
    negative: 'demo-portal-eu',
  },
];

describe('every partner of the catalogue leads to a person who can sign', () => {
  it('covers all seven partners of the demo catalogue', () => {
    expect(PARTNERS.map((p) => p.issuer).sort()).toEqual(
      stack()
        .config.isps.map((isp) => isp.issuer)
        .sort(),
    );
  });

  it.each(PARTNERS.map((p, i) => ({ ...p, mobile: `+4179555100${i}` })))(
    '$issuer ($method, for $sp): positive under $positive at LoA $loa, negative under $negative',
    async ({ issuer, method, sp, loa, positive, negative, mobile }) => {
      // Prepare
      const msisdn = mobile.slice(1);
      const dn = `gn=Hans, sn=Meier, cn=Hans Meier, c=CH`;
      const unregistered = await verify('41790000001', positive, loa, dn);

      // Act
      await identify(sp, issuer, method, mobile, 'Meier');

      // Assess
      const yes = await waitFor(
        () => verify(msisdn, positive, loa, dn),
        (r) => r.status === 200,
      );
      expect(yes.body).toEqual({
        evidenceId: expect.any(String),
        vetterMsisdn: msisdn,
        serialNumber: expect.stringMatching(/^SRS-/),
      });
      if (loa === 3) expectUniformNegative(await verify(msisdn, positive, 4, dn), unregistered);
      if (negative !== 'none') expectUniformNegative(await verify(msisdn, negative, loa, dn), unregistered);
      // An unknown claimed identity is the same negative, never an error.
      expectUniformNegative(await verify(msisdn, 'no-such-identity', loa, dn), unregistered);
    },
  );
});

describe('the AML example person (BankIdent-Demo, eIDAS only)', () => {
  const mobile = '+41783478228';
  const msisdn = '41783478228';
  const dn = 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH';

  beforeAll(async () => {
    await identify('demo-bank', 'BankIdent-Demo', 'bank', mobile, 'Muster');
    await waitFor(
      () => verify(msisdn, 'demo-bank-signing-eu', 4, dn),
      (r) => r.status === 200,
    );
  });

  it('is positive under the eIDAS-only identities of both SPs: identified once, signs with either', async () => {
    for (const claimedIdentity of ['demo-bank-signing-eu', 'demo-portal-eu']) {
      const res = await verify(msisdn, claimedIdentity, 4, dn);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ vetterMsisdn: msisdn });
    }
  });

  it('is negative under the ZertES+eIDAS and the ZertES-only identities, byte for byte like every other negative', async () => {
    const unregistered = await verify('41790000002', 'demo-bank-signing', 4, dn);
    const answers = [
      await verify(msisdn, 'demo-bank-signing', 4, dn),
      await verify(msisdn, 'test-client', 4, dn),
      await verify(msisdn, 'demo-portal-ch', 3, dn),
      await verify(msisdn, 'nobodys-identity', 4, dn),
      await verify(msisdn, 'demo-bank-signing-eu', 4, 'gn=Fritz, sn=Muster, c=CH'),
    ];

    for (const res of answers) expectUniformNegative(res, unregistered);
  });

  it('refuses a malformed claimed identity with a 400 that names the field and says nothing of the person', async () => {
    const res = await verify(msisdn, 'CLAIMED#demo-bank-signing-eu', 4, dn);

    expect(res.status).toBe(400);
    expect(res.text).toContain('claimedIdentity');
    expect(res.text).not.toMatch(/registered|jurisdiction|EIDAS|ZERTES/);
  });
});
