/**
 * Accepting the terms takes two writes: the link is marked used, then the acceptance is recorded on
 * the order. The fault run found an identification stuck at data-ready when the stack was killed
 * between them: the person's retry was answered "Already accepted" although nothing was recorded.
 */
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { acceptTerms, evidenceFor, sendEvidence, termsLinkFromOutbox } from '../support/isp.js';
import { call, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';

let token: string;
const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  token = await tokenFor(stack());
});

async function linkOf(mobile: string): Promise<string> {
  const { refId } = await startOrder(stack(), token, { mobile });
  expect((await sendEvidence(stack(), refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
  return (await waitFor(
    async () => termsLinkFromOutbox(stack(), mobile),
    (l) => l !== undefined,
  )) as string;
}

const hashOf = (link: string) =>
  createHash('sha256')
    .update(link.split('/terms/')[1] as string)
    .digest('hex');

it('a link marked used whose acceptance was never recorded still completes the acceptance', async () => {
  const mobile = '+41790000911';
  const link = await linkOf(mobile);
  // The first attempt got as far as marking the link used, then died.
  await stack().repository.useTermsLink(hashOf(link), new Date());

  expect((await fetch(link)).status).toBe(200);
  expect((await acceptTerms(link)).status).toBe(200);

  const refId = (await stack().repository.getTermsLink(hashOf(link)))?.refId as string;
  expect((await stack().stepFunctions.settled(refId)).status).toBe('SUCCEEDED');
  const status = await call<{ statuses: { status: string }[] }>(
    stack(),
    'GET',
    `/api/identifications/${refId}`,
    {
      token,
    },
  );
  expect(status.body.statuses.at(-1)?.status).toBe('terms-accepted');
});

it('a link whose acceptance was recorded shows no form again; the same acceptance is thanked, another refused', async () => {
  const link = await linkOf('+41790000912');
  expect((await acceptTerms(link)).status).toBe(200);

  expect((await fetch(link)).status).toBe(410);
  expect((await acceptTerms(link)).status).toBe(200);
  const otherChoice = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'accept=yes&pseudonym=Hansi',
  });
  expect(otherChoice.status).toBe(410);
});
