/**
 * Seeding makes the table's claimed identities what the configuration says: a local stack
 * restarted on its data folder with a claimed identity removed from its configuration no longer
 * verifies anybody under it, while the people identified before keep their registration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepository } from '../../lambdas/adapters/dynamo/repository.js';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import type { ServiceConfig } from '../../lambdas/core/service-config.js';
import { seedConfig } from '../../lambdas/usecases/seed-config.js';
import { loadConfig } from '../../local/config.js';
import { startDynamo } from '../../local/dynamodb.js';
import { identifyAndAcceptTerms } from '../support/isp.js';
import { expectUniformNegative } from '../support/problems.js';
import { call, type LocalStack, startOrder, startStack, tokenFor, waitFor } from '../support/stack.js';
import { startTableStore } from '../support/table.js';

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

describe('a claimed identity seeded by a version before the GSI1 listing', () => {
  it('is removed by seeding when the configuration no longer has it, though it carries no GSI1 keys', async () => {
    // Prepare: the item as the earlier version wrote it (no GSI1PK/GSI1SK), and a configured one
    const table = 'srs-seed-legacy';
    const dynamo = await startDynamo({ tableName: table });
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    try {
      const repository = createRepository(db, table);
      const legacy = {
        claimedIdentity: 'withdrawn-signing',
        clientId: 'demo-portal',
        jurisdictions: ['ZERTES'],
      };
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...keys.claimedIdentity(legacy.claimedIdentity), ...legacy },
        }),
      );
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.claimedIdentity('demo-portal-ch'),
            claimedIdentity: 'demo-portal-ch',
            clientId: 'demo-portal',
            jurisdictions: ['ZERTES'],
          },
        }),
      );

      // Act
      const outcome = await seedConfig(repository, loadConfig());

      // Assess: the withdrawn one is gone, the configured one (still in the config) stays
      expect(outcome.removedClaimedIdentities).toEqual(['withdrawn-signing']);
      await expect(repository.getClaimedIdentity('withdrawn-signing')).resolves.toBeUndefined();
      await expect(repository.getClaimedIdentity('demo-portal-ch')).resolves.toMatchObject({
        clientId: 'demo-portal',
      });
    } finally {
      db.destroy();
      await dynamo.close();
    }
  });
});

describe('seeding a price history that would price a month that has ended otherwise', () => {
  it('is refused, naming the SP and the month, and writes nothing; the change as a new sheet from the current month is taken', async () => {
    // Prepare: the demo configuration seeded in December 2026 (its sheets are from 2026-01)
    const table = await startTableStore('srs-seed-prices');
    try {
      const repository = table.store;
      const config = loadConfig();
      const december = new Date('2026-12-15T08:00:00.000Z');
      await seedConfig(repository, config, { now: december });
      const bank = config.serviceProviders.findIndex((sp) => sp.clientId === 'demo-bank');
      const sheet = config.serviceProviders[bank]?.priceSheets?.[0];
      if (!sheet) throw new Error('config/local.json gives demo-bank a price sheet');
      expect(sheet.from).toBe('2026-01');
      const withBank = (change: Partial<ServiceConfig['serviceProviders'][number]>, portalName: string) => ({
        ...config,
        serviceProviders: config.serviceProviders.map((sp, i) =>
          i === bank ? { ...sp, ...change } : { ...sp, name: portalName },
        ),
      });
      const raised = { ...sheet, monthlyFee: { ...sheet.monthlyFee, default: '65.00' } };

      // Act: the operator raises the price in the January sheet (and renames the other SPs)
      const inPlace = seedConfig(repository, withBank({ priceSheets: [raised] }, 'Renamed'), {
        now: december,
      });

      // Assess: refused before anything is written
      await expect(inPlace).rejects.toThrow(
        `serviceProviders.${bank}.priceSheets: 2026-01 has ended and was priced with the sheet from 2026-01, which this configuration changes or leaves out; a price change is a new sheet from 2026-12 or later (to correct a past price, seed with --reprice-ended-months).`,
      );
      expect((await repository.getSpSetup('demo-bank'))?.priceSheets).toEqual([sheet]);
      expect((await repository.getSpSetup('demo-portal'))?.name).toBe('Demo Signing Portal');

      // The same price as a new sheet from December: taken
      const fromDecember = [sheet, { ...raised, from: '2026-12' }];
      await seedConfig(repository, withBank({ priceSheets: fromDecember }, 'Renamed'), { now: december });
      expect((await repository.getSpSetup('demo-bank'))?.priceSheets).toEqual(fromDecember);
      expect((await repository.getSpSetup('demo-portal'))?.name).toBe('Renamed');
      // The operator's explicit correction of a past price: written
      await seedConfig(repository, withBank({ priceSheets: [raised] }, 'Renamed'), {
        now: december,
        repriceEndedMonths: true,
      });
      expect((await repository.getSpSetup('demo-bank'))?.priceSheets).toEqual([raised]);
    } finally {
      await table.close();
    }
  });
});
