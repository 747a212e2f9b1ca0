/** The start use case's refusals that need no partner: a client without an SP setup. */
import { describe, expect, it } from 'vitest';
import type { Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { startIdentification } from '../../lambdas/usecases/start-identification.js';
import { paperStartBody } from '../support/white-paper.js';

describe('startIdentification', () => {
  it('refuses a client without an SP setup with 403 and opens nothing', async () => {
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
        request: paperStartBody() as never,
        serviceBaseUrl: 'http://127.0.0.1:3000',
      },
    ).then(
      () => undefined,
      (err: unknown) => err as { status: number; detail: string },
    );

    expect(refusal?.status).toBe(403);
    expect(refusal?.detail).toContain('no service provider setup');
    expect(writes).toEqual([]);
    expect(opened).toEqual([]);
  });
});
