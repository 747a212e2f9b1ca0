/**
 * Seeding makes the table's claimed identities what the configuration says: a local stack
 * restarted on its data folder with a claimed identity removed from its configuration no longer
 * verifies anybody under it, while the people identified before keep their registration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../lambdas/core/service-config.js';
import { loadConfig } from '../../local/config.js';
import { identifyAndAcceptTerms } from '../support/isp.js';
import { expectUniformNegative } from '../support/problems.js';
import { call, type LocalStack, startOrder, startStack, tokenFor, waitFor } from '../support/stack.js';

const MOBILE = '+41790000712';
const DN = 'gn=Hans, sn=Meier, cn=Hans Meier, c=CH';

const verify = (stack: LocalStack, claimedIdentity: string) =>
  call(stack, 'POST', '/api/verify', {
    json: { msisdn: MOBILE.slice(1), claimedIdentity, assuranceLevel: 3, distinguishedName: DN },
  });

/** The demo configuration without the claimed identity `demo-portal-eu`. */
function withoutPortalEu(config: ServiceConfig): ServiceConfig {
  return {
    ...config,
    serviceProviders: config.serviceProviders.map((sp) => ({
      ...sp,
      claimedIdentities: sp.claimedIdentities.filter((ci) => ci.id !== 'demo-portal-eu'),
    })),
  };
}

/** Identifies the person with the Test-ISP (both laws, LoA 3) and accepts the terms. */
async function identify(stack: LocalStack): Promise<void> {
  const token = await tokenFor(stack, 'demo-portal');
  const { refId } = await startOrder(stack, token, { mobile: MOBILE, lastName: 'Meier' });
  await identifyAndAcceptTerms(stack, refId, MOBILE);
}

describe('a local stack restarted with a claimed identity removed from its configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'srs-seed-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies nobody under the removed identity, keeps the registration, and takes it back when it is configured again', async () => {
    // Prepare: a person who verifies under demo-portal-eu and test-client
    const config = loadConfig();
    const first = await startStack({ dataDir, rateLimits: false, config });
    let unregistered: Awaited<ReturnType<typeof verify>>;
    try {
      unregistered = await verify(first, 'test-client');
      await identify(first);
      await waitFor(
        () => verify(first, 'demo-portal-eu'),
        (r) => r.status === 200,
      );
    } finally {
      await first.close();
    }

    // Act: the operator removes demo-portal-eu from the configuration and restarts
    const second = await startStack({ dataDir, rateLimits: false, config: withoutPortalEu(config) });
    try {
      // Assess: negative under it (as for an unknown identity), positive as before under the other
      expectUniformNegative(await verify(second, 'demo-portal-eu'), unregistered);
      expect((await verify(second, 'test-client')).status).toBe(200);
      await expect(second.repository.getClaimedIdentity('demo-portal-eu')).resolves.toBeUndefined();
      expect((await second.repository.getRegistration(MOBILE.slice(1)))?.jurisdictions).toEqual([
        'ZERTES',
        'EIDAS',
      ]);
    } finally {
      await second.close();
    }

    // Configured again, the identity is back, and the person verifies under it without a new identification
    const third = await startStack({ dataDir, rateLimits: false, config });
    try {
      expect((await verify(third, 'demo-portal-eu')).status).toBe(200);
    } finally {
      await third.close();
    }
  });
});
