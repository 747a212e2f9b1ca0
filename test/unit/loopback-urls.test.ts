/**
 * Plain http is allowed only to the loopback interface (core/loopback.ts): for the SP's redirect URL
 * of the start call and for a partner's ordersUrl alike — `localhost`, 127.0.0.1 and [::1] — judged
 * by the parsed host name, so that a name under another domain that merely begins like one is
 * refused. Each URL kind is decided by its zod-free reader and by its schema, which must agree.
 * Production refuses them all (https only); the local stack and the test stages keep them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stageAllowsLoopbackHttp } from '../../lambdas/adapters/env.js';
import {
  redirectUrlStageProblem,
  wellFormedStartRequest,
} from '../../lambdas/core/identification-request.js';
import { StartIdentificationRequest } from '../../lambdas/core/identification-schemas.js';
import { isAllowedPartnerUrl, readHttpAdapterSettings } from '../../lambdas/core/isp-http.js';
import { HttpAdapterSettings } from '../../lambdas/core/isp-http-settings.js';
import { allowsLoopbackHttp, isLoopbackAddress, isLoopbackHostname } from '../../lambdas/core/loopback.js';
import { loopbackHttpPartnerUrls } from '../../lambdas/core/service-config.js';
import { checkEndpointUrl, urlPolicyOf } from '../../lambdas/core/webhook-address.js';
import { deploysTestStageRoutes } from '../../lambdas/routes.js';
import { paperStartBody } from '../support/white-paper.js';

/** An http URL to each host, and whether http is allowed to it. */
const HTTP_URLS: [string, boolean][] = [
  ['http://[::1]:8080/back', true],
  ['http://[0:0:0:0:0:0:0:1]/back', true],
  ['http://127.0.0.1/back', true],
  ['http://127.0.0.1:8080/back', true],
  ['http://localhost/back', true],
  ['http://LOCALHOST:3000/back', true],
  ['http://localhost.evil.com/back', false],
  ['http://127.0.0.1.nip.io/back', false],
  ['http://localhost:x@evil.example/back', false],
  ['http://[::2]/back', false],
  ['http://[::ffff:127.0.0.1]/back', false],
  ['http://sp.example.com/back', false],
];

describe('the SP’s redirect URL of the start call', () => {
  it.each(HTTP_URLS)('%s: allowed %s, by the reader and the schema alike', (redirectUrl, allowed) => {
    const body = paperStartBody({ redirectUrl });

    const read = wellFormedStartRequest(body);
    const judged = StartIdentificationRequest.safeParse(body);

    expect(read?.redirectUrl).toBe(allowed ? redirectUrl : undefined);
    expect(judged.success).toBe(allowed);
    if (!allowed)
      expect(judged.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['redirectUrl', 'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).'],
      ]);
  });

  it('takes https to any host, a loopback name included', () => {
    for (const redirectUrl of ['https://localhost.evil.com/back', 'https://[::1]/back']) {
      expect(wellFormedStartRequest(paperStartBody({ redirectUrl }))?.redirectUrl).toBe(redirectUrl);
    }
  });
});

describe('a partner’s ordersUrl (http adapter settings)', () => {
  const settingsWith = (ordersUrl: string) => ({
    ordersUrl,
    auth: { type: 'bearer', tokenEnv: 'PARTNER_TOKEN' },
  });

  it.each(HTTP_URLS)('%s: allowed %s, by the reader and the schema alike', (ordersUrl, allowed) => {
    const read = readHttpAdapterSettings(settingsWith(ordersUrl));
    const judged = HttpAdapterSettings.safeParse(settingsWith(ordersUrl));

    expect(isAllowedPartnerUrl(ordersUrl)).toBe(allowed);
    expect(read?.ordersUrl).toBe(allowed ? ordersUrl : undefined);
    expect(judged.success).toBe(allowed);
    if (!allowed)
      expect(judged.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        [
          'ordersUrl',
          'Must be an https URL without credentials (http only to localhost, 127.0.0.1 or [::1]).',
        ],
      ]);
  });
});

describe('the loopback interface', () => {
  it('is 127.0.0.1 and ::1 by address, and also localhost by URL host name (IPv6 in brackets)', () => {
    expect(
      ['127.0.0.1', '::1', '[::1]', 'localhost', '127.0.0.2', '0.0.0.0', '::'].map(isLoopbackAddress),
    ).toEqual([true, true, false, false, false, false, false]);
    expect(
      ['localhost', '127.0.0.1', '[::1]', '::1', 'localhost.', 'localhost.evil.com', '127.0.0.1.nip.io'].map(
        isLoopbackHostname,
      ),
    ).toEqual([true, true, true, false, false, false, false]);
  });
});

describe('by stage', () => {
  const PRODUCTION =
    'Must use https: http to localhost, 127.0.0.1 or [::1] is allowed on the local stack and the test stages only, not in production.';

  it('allows http to the loopback interface on the local stack and the test stages, never in production', () => {
    expect(['local', 'dev', 'test', 'prod'].map(allowsLoopbackHttp)).toEqual([true, true, true, false]);
  });

  it('is production where the test-stage routes are left out, and nowhere else', () => {
    // One stage is production for every rule that tells it apart (core/stage.ts).
    for (const stage of ['local', 'dev', 'test', 'prod', 'production', 'staging'])
      expect([stage, allowsLoopbackHttp(stage)]).toEqual([stage, deploysTestStageRoutes(stage)]);
  });

  describe('as a function reads it from STAGE', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it.each([
      ['prod', false],
      ['test', true],
      ['local', true],
    ])('STAGE=%s: loopback http allowed %s', (stage, allowed) => {
      vi.stubEnv('STAGE', stage);
      expect(stageAllowsLoopbackHttp()).toBe(allowed);
    });

    it.each(['Prod ', 'production', 'staging'])(
      'refuses STAGE=%s, which is no stage of ours, instead of taking it for a test stage',
      (stage) => {
        vi.stubEnv('STAGE', stage);
        expect(() => stageAllowsLoopbackHttp()).toThrow(
          'Environment variable STAGE must be one of the stages local, dev, test, prod',
        );
      },
    );

    it('refuses to decide without STAGE, instead of taking the function for a test stage', () => {
      vi.stubEnv('STAGE', '');
      expect(() => stageAllowsLoopbackHttp()).toThrow('Missing required environment variable STAGE');
    });
  });

  it.each(HTTP_URLS.filter(([, allowed]) => allowed))(
    '%s as redirect URL: refused in production only, with a problem that says why',
    (redirectUrl) => {
      expect(redirectUrlStageProblem(redirectUrl, allowsLoopbackHttp('test'))).toBeUndefined();
      expect(redirectUrlStageProblem(redirectUrl, allowsLoopbackHttp('prod'))).toBe(PRODUCTION);
    },
  );

  it('takes https in production, and no redirect URL at all', () => {
    expect(redirectUrlStageProblem('https://[::1]/back', false)).toBeUndefined();
    expect(redirectUrlStageProblem('https://sp.example/back', false)).toBeUndefined();
    expect(redirectUrlStageProblem(undefined, false)).toBeUndefined();
  });

  it('names the partners whose ordersUrl is http to the loopback interface (what production refuses)', () => {
    const isp = (adapter: string, ordersUrl: string) => ({ adapter, settings: { ordersUrl } });
    expect(
      loopbackHttpPartnerUrls({
        isps: [
          isp('http', 'https://partner.example/orders'),
          isp('http', 'http://localhost:4000/orders'),
          isp('test-isp', 'http://127.0.0.1/orders'),
          isp('http', 'http://[::1]/orders'),
        ] as never,
      }),
    ).toEqual(['isps.1.settings.ordersUrl', 'isps.3.settings.ordersUrl']);
  });
});

describe('a webhook endpoint on the local stack', () => {
  it('names both loopback addresses when it refuses plain http to another host', () => {
    expect(checkEndpointUrl('http://receiver.example/hook', urlPolicyOf('local'))).toEqual({
      ok: false,
      reason: 'Must use https (http is allowed for 127.0.0.1 or [::1] only, on the local stack).',
    });
    expect(checkEndpointUrl('http://[::1]:4000/hook', urlPolicyOf('local')).ok).toBe(true);
  });
});
