/**
 * The start use case's refusals that need no partner: a client without an SP setup, and in
 * production (no loopback http) a redirect URL of plain http to the loopback interface.
 */
import { describe, expect, it } from 'vitest';
import type { Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { allowsLoopbackHttp } from '../../lambdas/core/loopback.js';
import { startIdentification } from '../../lambdas/usecases/start-identification.js';
import { paperStartBody } from '../support/white-paper.js';

/** A start against a store without any setup, recording what it writes and opens. */
async function refusalOf(request: Record<string, unknown>, allowLoopbackHttp: boolean) {
  const writes: string[] = [];
  const repository = {
    getSpSetup: async () => undefined,
    listIsps: async () => [],
    createOrder: async () => writes.push('order'),
  } as unknown as Repository;
  const opened: string[] = [];

  const refusal = await startIdentification(
    {
      repository,
      adapterFor: () => ({
        name: 'x',
        openOrder: async () => {
          opened.push('isp');
          return { ispOrderId: 'x', targetURL: 'x' };
        },
      }),
      workflow: { start: async () => void opened.push('workflow') },
      signOrderToken: async () => 'token',
    } as never,
    {
      clientId: 'unknown-client',
      request: request as never,
      serviceBaseUrl: 'http://127.0.0.1:3000',
      allowLoopbackHttp,
    },
  ).then(
    () => undefined,
    (err: unknown) => err as { status: number; detail: string; errors?: unknown },
  );
  return { refusal, writes, opened };
}

describe('startIdentification', () => {
  it('refuses a client without an SP setup with 403 and opens nothing', async () => {
    const { refusal, writes, opened } = await refusalOf(paperStartBody(), true);

    expect(refusal?.status).toBe(403);
    expect(refusal?.detail).toContain('no service provider setup');
    expect(writes).toEqual([]);
    expect(opened).toEqual([]);
  });

  it.each(['http://localhost:8080/back', 'http://127.0.0.1/back', 'http://[::1]:3000/back?x=1'])(
    'in production refuses the redirect URL %s (http to the loopback interface) with 400, before anything is written',
    async (redirectUrl) => {
      const { refusal, writes, opened } = await refusalOf(
        { ...paperStartBody(), redirectUrl },
        allowsLoopbackHttp('prod'),
      );

      expect(refusal?.status).toBe(400);
      expect(refusal?.errors).toEqual([
        {
          field: 'redirectUrl',
          message:
            'Must use https: http to localhost, 127.0.0.1 or [::1] is allowed on the local stack and the test stages only, not in production.',
        },
      ]);
      expect(writes).toEqual([]);
      expect(opened).toEqual([]);
    },
  );

  it.each([
    ['local', 'http://[::1]:3000/back'],
    ['dev', 'http://localhost:8080/back'],
    ['test', 'http://127.0.0.1/back'],
    ['prod', 'https://sp.example/back'],
  ])('on stage %s accepts the redirect URL %s (and goes on to the SP setup)', async (stage, redirectUrl) => {
    const { refusal } = await refusalOf({ ...paperStartBody(), redirectUrl }, allowsLoopbackHttp(stage));

    expect(refusal?.status).toBe(403);
  });
});
