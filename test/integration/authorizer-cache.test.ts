/**
 * The local gateway's Cognito authorizer keeps its result per token as API Gateway does
 * (`resultsCacheTtl`, lambdas/routes.ts AUTHORIZER_RESULTS_CACHE_SECONDS): a token is verified once
 * in that time, not on every call; never past the token's expiry (an expired token is refused
 * however recently it was accepted); and for a bounded number of tokens.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessTokenClaims,
  type AccessTokenVerifier,
  createAccessTokenVerifier,
} from '../../lambdas/adapters/access-token.js';
import { DEFAULT_CACHE_ENTRIES } from '../../lambdas/adapters/recently-used.js';
import { LOCAL_STAGE } from '../../lambdas/core/stage.js';
import { routesOfStage } from '../../lambdas/routes.js';
import { type GatewayResponse, LocalApiGateway } from '../../local/api-gateway.js';
import { LocalAuthorizationServer, loadOrCreateSigningKey } from '../../local/cognito.js';

const ISSUER = 'http://127.0.0.1:3999';

/**
 * A gateway on a clock the test moves, whose verifier counts its calls. Its requests carry a token
 * without the route's scope: the authorizer reads it and refuses (401) before any function runs.
 */
async function gatewayWith(verify: (clock: { now: number }) => AccessTokenVerifier) {
  const clock = { now: Date.parse('2026-11-30T12:00:00Z') };
  const inner = verify(clock);
  const verified: string[] = [];
  const gateway = new LocalApiGateway({
    routes: routesOfStage(LOCAL_STAGE),
    stage: LOCAL_STAGE,
    rateLimits: false,
    now: () => clock.now,
    verifyToken: (token) => {
      verified.push(token);
      return inner(token);
    },
  });
  const providers = (token: string): Promise<GatewayResponse> =>
    gateway.handle({
      method: 'GET',
      url: new URL('/api/providers', ISSUER),
      headers: { authorization: `Bearer ${token}` },
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
    });
  return { clock, verified, providers };
}

/** The stack's verifier and its authorization server's tokens, on the test's clock. */
async function realTokens() {
  const auth = new LocalAuthorizationServer(ISSUER, await loadOrCreateSigningKey(), []);
  const g = await gatewayWith((clock) =>
    createAccessTokenVerifier({ issuer: ISSUER, jwks: auth.jwks, now: () => clock.now }),
  );
  const issue = (ttlSeconds: number) =>
    auth.issue('sp-client', ['srs/introspect'], { now: new Date(g.clock.now), ttlSeconds });
  return { ...g, issue };
}

const detailOf = (res: GatewayResponse) => (JSON.parse(res.body.toString()) as { detail?: string }).detail;

describe('the local Cognito authorizer’s results cache', () => {
  it('verifies a token once while its result is cached, each other token on its own', async () => {
    const g = await realTokens();
    const token = await g.issue(3600);
    const other = await g.issue(3600);

    const answers = [await g.providers(token), await g.providers(token), await g.providers(other)];
    g.clock.now += 60_000;
    answers.push(await g.providers(token));

    // Every answer is the authorizer's, from the claims: the token lacks the route's scope.
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(detailOf(res)).toBe('The access token lacks the scope srs/read.');
    }
    expect(g.verified).toEqual([token, other]);
  });

  it('verifies a token again once the cache time has passed', async () => {
    const g = await realTokens();
    const token = await g.issue(3600);

    await g.providers(token);
    g.clock.now += 300_000;
    await g.providers(token);
    g.clock.now += 1;
    await g.providers(token);

    expect(g.verified).toEqual([token, token]);
  });

  it('refuses a token that has expired, however recently it was accepted', async () => {
    const g = await realTokens();
    const token = await g.issue(60);

    const accepted = await g.providers(token);
    // Past its expiry and the verifier's clock tolerance; well within the cache time.
    g.clock.now += 70_000;
    const refused = await g.providers(token);

    expect(detailOf(accepted)).toBe('The access token lacks the scope srs/read.');
    expect(refused.statusCode).toBe(401);
    expect(detailOf(refused)).toBe('The access token has expired.');
    expect(g.verified).toEqual([token, token]);
  });

  it('keeps a bounded number of tokens, the least recently used going first', async () => {
    // Any token is a client's without the scope (the verifier is not what is tested here).
    const g = await gatewayWith(
      (clock) => async () =>
        ({
          client_id: 'sp-client',
          token_use: 'access',
          scope: '',
          exp: Math.floor(clock.now / 1000) + 3600,
        }) satisfies AccessTokenClaims,
    );
    const tokens = Array.from({ length: DEFAULT_CACHE_ENTRIES + 1 }, (_, i) => `token-${i}`);

    for (const token of tokens) await g.providers(token);
    g.verified.length = 0;
    await g.providers(tokens.at(-1) as string);
    await g.providers(tokens[0] as string);

    expect(g.verified).toEqual(['token-0']);
  });
});
