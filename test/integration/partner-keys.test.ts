/**
 * A partner's registered keys on the embedded stack: a key that cannot be used (written straight
 * into the table, as one stored before the registration checks or gone bad since) is skipped with
 * the usual 401, and the function logs a warning that names the key — never its material, the
 * message or its claims.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { signIspMessage } from '../../lambdas/adapters/isp-message.js';
import { toIspConfig } from '../../lambdas/core/service-config.js';
import { postJws, testIspKey } from '../support/isp.js';
import { captureLogs, logLines } from '../support/logs.js';
import { useStack } from '../support/stack.js';

const stack = useStack({ rateLimits: false, logLevel: 'WARN' });

/** A partner registered with `keys`, written into the table the way seeding writes one. */
async function registerDirectly(issuer: string, keys: JWK[]): Promise<void> {
  const testIsp = stack().config.isps.find((isp) => isp.issuer === 'Test-ISP');
  if (!testIsp) throw new Error('Test-ISP is missing from the local configuration');
  await stack().repository.putIsp(
    toIspConfig({ ...testIsp, issuer, keys: keys as Record<string, unknown>[] }),
  );
}

async function partnerKey(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
  };
}

describe('a registered key that cannot be used', () => {
  it('is skipped with the usual 401, and logged as a warning naming the partner and the key', async () => {
    const issuer = 'Broken-Key-ISP';
    const { privateJwk, publicJwk } = await partnerKey();
    // The registered point is not on the curve (y replaced by x): no shape check sees it, WebCrypto refuses it.
    const offCurve = { ...publicJwk, y: publicJwk.x };
    await registerDirectly(issuer, [offCurve]);
    const refId = crypto.randomUUID();
    const jws = await signIspMessage('event', { iss: issuer, refId, event: 'waiting-for-doc' }, privateJwk);

    let answer: Awaited<ReturnType<typeof postJws>> | undefined;
    const written = await captureLogs(async () => {
      answer = await postJws(stack(), '/isp/v1/events', jws);
    });

    expect(answer?.status).toBe(401);
    expect(answer?.body).toMatchObject({
      type: expect.stringMatching(/isp-message-rejected$/),
      detail: 'The message is not signed with a key registered for its issuer.',
    });
    const warnings = logLines(written)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.level === 'WARN');
    expect(warnings).toStrictEqual([
      expect.objectContaining({
        message: 'registered partner key cannot be used; messages it signs are refused',
        function_name: 'isp-callback',
        issuer,
        keyIndex: 0,
        kid: publicJwk.kid,
        alg: 'ES256',
        errorName: 'DataError',
      }),
    ]);
    for (const material of [publicJwk.x, privateJwk.d, jws.split('.')[1], jws.split('.')[2], refId])
      expect(written).not.toContain(material);
  });

  it('is logged but does not stop a good key registered beside it from verifying (a rotation)', async () => {
    const issuer = 'Rotating-ISP';
    const good = await partnerKey();
    const broken = { ...(await partnerKey()).publicJwk, crv: 'P-384', kid: 'old-2025' };
    await registerDirectly(issuer, [broken, good.publicJwk]);
    // Signed without kid, so that each registered key is tried; the order is not this partner's (404).
    const { kid: _kid, ...noKid } = good.privateJwk;
    const jws = await signIspMessage(
      'event',
      { iss: issuer, refId: crypto.randomUUID(), event: 'waiting-for-doc' },
      noKid,
    );

    let status: number | undefined;
    const written = await captureLogs(async () => {
      status = (await postJws(stack(), '/isp/v1/events', jws)).status;
    });

    expect(status).toBe(404);
    expect(written).toContain('"kid":"old-2025"');
    expect(written).not.toContain(`"kid":"${good.publicJwk.kid}"`);
  });

  it('logs nothing for a message merely signed with a key the partner does not have', async () => {
    const written = await captureLogs(async () => {
      const jws = await signIspMessage(
        'event',
        { iss: 'Test-ISP', refId: crypto.randomUUID(), event: 'waiting-for-doc' },
        { ...(await partnerKey()).privateJwk, kid: testIspKey().kid },
      );
      expect((await postJws(stack(), '/isp/v1/events', jws)).status).toBe(401);
    });

    expect(logLines(written).filter((line) => line.includes('"level":"WARN"'))).toStrictEqual([]);
  });
});
