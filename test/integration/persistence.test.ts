/**
 * `npm start --data-dir`: the table, keys, outbox and waiting identifications survive a restart,
 * and an identification that was waiting for its ISP goes on where it stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptTerms, evidenceFor, sendEvidence, termsLinkFromOutbox } from '../support/isp.js';
import { call, paperStartBody, startStack, tokenFor, waitFor } from '../support/stack.js';

describe('a local stack with a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'srs-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('resumes an identification that was waiting for the ISP when the stack stopped', async () => {
    // Prepare: an order waiting for its evidence, then a restart
    const mobile = '+41790000601';
    const first = await startStack({ dataDir, rateLimits: false });
    const firstToken = await tokenFor(first);
    const started = await call<{ refId: string }>(first, 'POST', '/api/identifications', {
      token: firstToken,
      json: paperStartBody({ mobile }),
    });
    expect(started.status).toBe(201);
    const { refId } = started.body;
    await waitFor(
      async () => (await first.repository.getOrder(refId))?.waitTokens?.evidence,
      (token) => token !== undefined,
    );
    await first.close();

    const second = await startStack({ dataDir, rateLimits: false });
    try {
      // Act: the ISP finishes after the restart; the person accepts
      expect(second.stepFunctions.list().map((e) => e.name)).toContain(refId);
      expect((await sendEvidence(second, refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
      const link = await waitFor(
        async () => termsLinkFromOutbox(second, mobile),
        (l) => l !== undefined,
      );
      const accepted = await acceptTerms(link as string);
      expect(accepted.status).toBe(200);

      // Assess: the resumed execution completed and the old token still reads the order
      const execution = await second.stepFunctions.settled(refId);
      expect(execution.status).toBe('SUCCEEDED');
      const status = await call<{ statuses: { status: string }[] }>(
        second,
        'GET',
        `/api/identifications/${refId}`,
        {
          token: firstToken,
        },
      );
      expect(status.status).toBe(200);
      expect(status.body.statuses.at(-1)?.status).toBe('terms-accepted');
    } finally {
      await second.close();
    }
  });
});
