/**
 * AML identification data over HTTP on the embedded stack: only the SP that owns the order and
 * has an AML contract with the order's partner gets the verified person data; every grant and
 * refusal is recorded, and the operator lists the records with the admin CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdentificationData } from '../../lambdas/core/evidence.js';
import type { AmlAccessRecord } from '../../lambdas/usecases/ports/aml-access-log.js';
import { loadConfig } from '../../local/config.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { call, paperStartBody, tokenFor, useStack } from '../support/stack.js';

let bank: string;
let portal: string;
let mobileSeq = 0;

async function startOrder(token: string, body: Record<string, unknown>): Promise<string> {
  mobileSeq += 1;
  const res = await call<{ refId: string }>(stack(), 'POST', '/api/identifications', {
    token,
    json: paperStartBody({ mobile: `+4179100${String(mobileSeq).padStart(4, '0')}`, ...body }),
  });
  expect(res.status).toBe(201);
  return res.body.refId;
}

/** The partner (simulated by the Test-ISP simulator) reports done and imports the evidence. */
async function identify(refId: string): Promise<void> {
  const res = await call<{ orderStatus: string }>(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
    json: { status: 'data-ready', person: { lastName: 'Müller' } },
  });
  expect(res.status).toBe(200);
  expect(res.body.orderStatus).toBe('data-ready');
}

const dataOf = (token: string | undefined, refId: string) =>
  call<Record<string, unknown>>(stack(), 'GET', `/api/identifications/${refId}/identification-data`, {
    ...(token ? { token } : {}),
  });

async function recordsOf(refId: string): Promise<AmlAccessRecord[]> {
  const out: AmlAccessRecord[] = [];
  for await (const r of stack().repository.amlAccessRecords({ refId })) out.push(r);
  return out;
}

const adminCli = (...args: string[]) => runAdmin(args, tableEnv(stack()));

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  bank = await tokenFor(stack(), 'demo-bank');
  portal = await tokenFor(stack(), 'demo-portal');
});

describe('GET /api/identifications/{refId}/identification-data', () => {
  it('answers demo-bank the verified person data of its BankIdent-Demo identification, and records the grant', async () => {
    const refId = await startOrder(bank, { issuer: 'BankIdent-Demo', method: 'bank' });
    await identify(refId);
    const stored = await stack().repository.getEvidence(refId);

    const res = await dataOf(bank, refId);

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(IdentificationData.parse(res.body)).toEqual({
      refId,
      evidenceId: stored?.evidenceId,
      issuer: 'BankIdent-Demo',
      method: 'bank',
      loa: 4,
      verified_claims: stored?.claims.verified_claims,
    });
    expect(res.body).toMatchObject({
      verified_claims: { claims: { family_name: 'Müller', given_name: 'Hans' } },
    });
    expect(await recordsOf(refId)).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        refId,
        clientId: 'demo-bank',
        issuer: 'BankIdent-Demo',
        outcome: 'granted',
      },
    ]);
  });

  it('refuses demo-bank with 403 for its Test-ISP identification (no AML contract with Test-ISP), and records it', async () => {
    const refId = await startOrder(bank, { issuer: 'Test-ISP', method: 'test' });
    await identify(refId);

    const res = await dataOf(bank, refId);

    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 403, title: 'Forbidden' });
    expect(res.text).not.toContain('Müller');
    expect(await recordsOf(refId)).toEqual([
      expect.objectContaining({ refId, clientId: 'demo-bank', issuer: 'Test-ISP', outcome: 'refused' }),
    ]);
  });

  it('refuses demo-portal with 403 for its own BankIdent-Demo identification (no AML contracts at all), and records it', async () => {
    const refId = await startOrder(portal, { issuer: 'BankIdent-Demo', method: 'bank' });
    await identify(refId);

    const res = await dataOf(portal, refId);

    expect(res.status).toBe(403);
    expect(res.text).not.toContain('Müller');
    expect(await recordsOf(refId)).toEqual([
      expect.objectContaining({
        refId,
        clientId: 'demo-portal',
        issuer: 'BankIdent-Demo',
        outcome: 'refused',
      }),
    ]);
  });

  it('answers 404 for another SP’s identification, exactly as for none, and records nothing', async () => {
    const refId = await startOrder(bank, { issuer: 'BankIdent-Demo', method: 'bank' });
    await identify(refId);

    const other = await dataOf(portal, refId);
    const none = await dataOf(portal, '00000000-0000-4000-8000-000000000000');

    expect(other.status).toBe(404);
    expect(none.status).toBe(404);
    expect({ ...(other.body as object), instance: null }).toEqual({
      ...(none.body as object),
      instance: null,
    });
    expect(await recordsOf(refId)).toEqual([]);
  });

  it('answers 409 while the identification has no evidence, and records nothing', async () => {
    const refId = await startOrder(bank, { issuer: 'BankIdent-Demo', method: 'bank' });

    const res = await dataOf(bank, refId);

    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await recordsOf(refId)).toEqual([]);
  });

  it('answers 401 without an access token and to a partner’s backend (scope srs/introspect only)', async () => {
    const refId = await startOrder(bank, { issuer: 'BankIdent-Demo', method: 'bank' });
    const partner = await tokenFor(stack(), 'bankident-demo');

    expect((await dataOf(undefined, refId)).status).toBe(401);
    expect((await dataOf(partner, refId)).status).toBe(401);
  });

  it('refuses a refId that is not a UUID with 400 naming refId', async () => {
    const res = await dataOf(bank, 'not-a-uuid');

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [{ field: 'refId', message: 'Must be a UUID.' }] });
  });
});

describe('the operator lists the AML access records (npm run admin -- aml-access)', () => {
  it('prints one JSON line per access of an order, oldest first', async () => {
    const refId = await startOrder(bank, { issuer: 'VideoIdent-Demo', method: 'video' });
    await identify(refId);
    expect((await dataOf(bank, refId)).status).toBe(200);
    expect((await dataOf(bank, refId)).status).toBe(200);

    const out = await adminCli('aml-access', '--ref', refId);

    expect(out.code).toBe(0);
    expect(out.lines).toEqual([
      {
        at: expect.any(String),
        refId,
        clientId: 'demo-bank',
        issuer: 'VideoIdent-Demo',
        outcome: 'granted',
        id: expect.any(String),
      },
      {
        at: expect.any(String),
        refId,
        clientId: 'demo-bank',
        issuer: 'VideoIdent-Demo',
        outcome: 'granted',
        id: expect.any(String),
      },
    ]);
    expect(String(out.lines[0]?.at) <= String(out.lines[1]?.at)).toBe(true);
  });

  it('lists every order’s records, from a point in time on', async () => {
    const since = new Date().toISOString();
    const granted = await startOrder(bank, { issuer: 'BankIdent-Demo', method: 'bank' });
    const refused = await startOrder(portal, { issuer: 'BankIdent-Demo', method: 'bank' });
    await identify(granted);
    await identify(refused);
    await dataOf(bank, granted);
    await dataOf(portal, refused);

    const all = await adminCli('aml-access');
    const recent = await adminCli('aml-access', '--since', since);

    expect(all.code).toBe(0);
    expect(all.lines.length).toBeGreaterThan(recent.lines.length);
    expect(recent.lines.map((l) => [l.refId, l.clientId, l.outcome])).toEqual([
      [granted, 'demo-bank', 'granted'],
      [refused, 'demo-portal', 'refused'],
    ]);
    expect(all.lines.filter((l) => l.outcome === 'refused').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a --ref that is not a refId with exit code 2 and one line saying so', async () => {
    const out = await adminCli('aml-access', '--ref', 'x');

    expect(out.code).toBe(2);
    expect(out.stderr).toBe('admin: --ref must be a refId (UUID).\n');
  });

  it('refuses a --since that is no calendar date or has no zone, instead of shifting it', async () => {
    // new Date() read 2026-02-30 as 2 March and a date-time without a zone in the operator's own
    // time zone (so the listing depended on the machine it ran on).
    for (const since of [
      '2026-02-30',
      '2026-04-31T00:00:00Z',
      '2026-03-01T00:00:00',
      '2026-03-01 00:00',
      '2026-03-01T24:00:00Z',
    ]) {
      const out = await adminCli('aml-access', '--since', since);

      expect(out.code, since).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toBe(
        'admin: --since must be a calendar date (2026-01-31, from its start in UTC) or a date-time with its zone (2026-01-31T00:00:00Z, 2026-01-31T01:00:00+01:00).\n',
      );
    }
    for (const since of ['2026-02-28', '2024-02-29', '2026-03-01T00:00:00Z', '2026-03-01T01:00:00.5+01:00']) {
      expect((await adminCli('aml-access', '--since', since)).code, since).toBe(0);
    }
  });
});

describe('the operator writes the configuration (npm run admin -- seed)', () => {
  it('writes a new partner and SP setup from a file, idempotently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srs-seed-'));
    const file = join(dir, 'config.json');
    const base = loadConfig();
    const extra = {
      isps: [{ ...(base.isps[0] as object), issuer: 'Seeded-ISP' }],
      serviceProviders: [
        { ...(base.serviceProviders[0] as object), clientId: 'seeded-sp', clientSecret: undefined },
      ],
    };
    writeFileSync(file, JSON.stringify(extra));

    const first = await adminCli('seed', file);
    const second = await adminCli('seed', file);

    expect(first.code).toBe(0);
    // The file is the whole configuration: demo-bank's claimed identities are not in it.
    expect(first.lines).toEqual([
      {
        seeded: { isps: 1, serviceProviders: 1 },
        removed: { claimedIdentities: ['demo-bank-signing', 'demo-bank-signing-eu'] },
      },
    ]);
    expect(second.lines).toEqual([
      { seeded: { isps: 1, serviceProviders: 1 }, removed: { claimedIdentities: [] } },
    ]);
    expect((await stack().repository.getIsp('Seeded-ISP'))?.issuer).toBe('Seeded-ISP');
    expect((await stack().repository.getSpSetup('seeded-sp'))?.clientId).toBe('seeded-sp');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an invalid file with exit code 2, naming the field, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srs-seed-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ isps: [{ issuer: 'Broken-ISP', loa: 5 }], serviceProviders: [] }));

    const out = await adminCli('seed', file);

    expect(out.code).toBe(2);
    expect(out.stderr).toContain('isps.0.loa');
    expect(await stack().repository.getIsp('Broken-ISP')).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a jurisdiction named twice, naming the list, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'srs-seed-'));
    const file = join(dir, 'twice.json');
    const base = loadConfig();
    const isp = { ...(base.isps[0] as object), issuer: 'Twice-ISP', jurisdictions: ['ZERTES', 'ZERTES'] };
    writeFileSync(file, JSON.stringify({ isps: [isp], serviceProviders: [] }));

    const out = await adminCli('seed', file);

    expect(out.code).toBe(2);
    expect(out.stderr).toContain('isps.0.jurisdictions: Must not name a jurisdiction twice.');
    expect(await stack().repository.getIsp('Twice-ISP')).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});
