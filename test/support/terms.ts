/** Orders at the terms step on the embedded stack, and the fault of a terms page that dies mid-way. */
import { expect } from 'vitest';
import { acceptTerms as recordAcceptance } from '../../lambdas/usecases/terms-acceptance.js';
import type { LocalStack } from '../../local/stack.js';
import { evidenceFor, sendEvidence, termsLinksFromOutbox } from './isp.js';
import { startOrder, waitFor } from './stack.js';

/**
 * An order whose evidence (Hans Muster, CH, LoA 3 under both laws, or the person `identified`) is
 * in, whose one terms SMS went out and whose state machine waits in WaitForTerms; started in
 * `language` when one is given.
 */
export async function waitingForTerms(
  stack: LocalStack,
  token: string,
  mobile: string,
  { language, identified }: { language?: string; identified?: Parameters<typeof evidenceFor>[1] } = {},
) {
  const { refId } = await startOrder(
    stack,
    token,
    language === undefined ? { mobile } : { mobile, language },
  );
  const evidence = evidenceFor({ mobile, method: 'test' }, identified);
  expect((await sendEvidence(stack, refId, evidence)).status).toBe(200);
  const [link] = await waitFor(
    async () => termsLinksFromOutbox(stack, mobile),
    (links) => links.length === 1,
  );
  await waitFor(
    () => stack.repository.getOrder(refId),
    (o) => o?.waitTokens?.terms !== undefined,
  );
  return { refId, link: link as string, linkToken: new URL(link as string).pathname.split('/')[2] as string };
}

/** The first attempt's callback port: the function dies after the acceptance was written. */
const dyingCallbacks = {
  succeed: async (): Promise<boolean> => {
    throw new Error('the function died before telling the state machine');
  },
  fail: async (): Promise<boolean> => {
    throw new Error('not expected');
  },
};

/** Records the acceptance as the terms page does, in a request that dies before telling the state machine. */
export async function acceptanceRecordedUntold(stack: LocalStack, linkToken: string): Promise<void> {
  await expect(
    recordAcceptance({ repository: stack.repository, callbacks: dyingCallbacks }, linkToken),
  ).rejects.toThrow('the function died');
}
