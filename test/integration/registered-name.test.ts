/**
 * The name a registration signs under, told to the SP in the status answer once the person is
 * registered: the names as the partner identified them — which need not be the names the SP sent —
 * or the pseudonym the person chose. On the embedded stack, through a partner's signed evidence,
 * the terms page and the verify call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUniformNegative } from '../support/problems.js';
import { call, tokenFor, useStack, waitFor } from '../support/stack.js';
import { waitingForTerms } from '../support/terms.js';

interface Status {
  statuses: { status: string }[];
  distinguishedName?: string;
}

let token: string;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  token = await tokenFor(stack());
});

const status = async (refId: string) => {
  const res = await call<Status>(stack(), 'GET', `/api/identifications/${refId}`, { token });
  expect(res.status).toBe(200);
  return res.body;
};

const registeredStatus = (refId: string) =>
  waitFor(
    () => status(refId),
    (s) => s.statuses.at(-1)?.status === 'terms-accepted',
  );

const verify = (msisdn: string, distinguishedName: string) =>
  call(stack(), 'POST', '/api/verify', {
    json: { msisdn, claimedIdentity: 'test-client', assuranceLevel: 3, distinguishedName },
  });

/**
 * The SP starts an identification for Hans Muster (the paper's start body); the partner identifies
 * the person with these names; the person accepts the terms with these form fields.
 */
async function registerAs(
  mobile: string,
  identified: { givenName: string; familyName: string; nationality: string },
  form: [string, string][],
) {
  const { refId, link } = await waitingForTerms(stack(), token, mobile, { identified });
  const before = await status(refId);
  const accepted = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([['accept', 'yes'], ...form]).toString(),
  });
  expect(accepted.status).toBe(200);
  return { before, after: await registeredStatus(refId), msisdn: mobile.slice(1) };
}

describe('the status answer names the registered person', () => {
  it('tells the names the partner identified, which verify then answers positively, where the SP’s own names fail', async () => {
    const { before, after, msisdn } = await registerAs(
      '+41797771001',
      { givenName: 'Hans Peter', familyName: 'Müller-Schmid', nationality: 'DE' },
      [],
    );

    expect(before.statuses.at(-1)?.status).toBe('data-ready');
    expect('distinguishedName' in before).toBe(false);
    expect(after.distinguishedName).toBe(
      'gn=Hans Peter, sn=Müller-Schmid, cn=Hans Peter Müller-Schmid, c=DE',
    );
    expect((await verify(msisdn, after.distinguishedName as string)).status).toBe(200);
    const unregistered = await verify('41790000009', 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH');
    expectUniformNegative(await verify(msisdn, 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH'), unregistered);
  });

  it('tells the pseudonym for a person who chose one on the terms page', async () => {
    const { after, msisdn } = await registerAs(
      '+41797771002',
      { givenName: 'Hans', familyName: 'Muster', nationality: 'CH' },
      [['pseudonym', 'Hansi Signer']],
    );

    expect(after.distinguishedName).toBe('pseudonym=Hansi Signer, cn=Hansi Signer, c=CH');
    expect((await verify(msisdn, after.distinguishedName as string)).status).toBe(200);
  });
});
