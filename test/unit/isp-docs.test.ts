/**
 * The partner contract (docs/isp-integration.md) says exactly what the service runs: every marked
 * example is parsed and checked against the real schemas, the example JWS messages verify with
 * the example key of the example configuration, and the example order request is what the
 * generic adapter builds from that configuration.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ISP_ALGORITHMS, ISP_MESSAGE_TYPES, verifyIspMessage } from '../../lambdas/adapters/isp-message.js';
import { IspEventClaims, IspEvidenceClaims } from '../../lambdas/core/evidence.js';
import {
  ActiveOrderToken,
  InactiveToken,
  IntrospectionResponse,
} from '../../lambdas/core/introspection-response.js';
import { OrderTokenClaims, OrderTokenHeader } from '../../lambdas/core/introspection-schemas.js';
import { orderRequestBody, readOrderAnswer } from '../../lambdas/core/isp-http.js';
import { HttpAdapterSettings } from '../../lambdas/core/isp-http-settings.js';
import { ServiceConfigSchema } from '../../lambdas/core/service-config.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/isp-integration.md', import.meta.url)), 'utf8');

/** `<!-- example: name -->` followed by a fenced block. */
const EXAMPLES = new Map(
  [...DOC.matchAll(/<!-- example: ([\w-]+) -->\s*```(json|text)\n([\s\S]*?)\n```/g)].map((m) => [
    m[1] as string,
    { lang: m[2] as string, text: m[3] as string },
  ]),
);

function json(name: string): Record<string, unknown> {
  const example = EXAMPLES.get(name);
  if (example?.lang !== 'json') throw new Error(`No json example ${name} in docs/isp-integration.md`);
  return JSON.parse(example.text) as Record<string, unknown>;
}

function text(name: string): string {
  const example = EXAMPLES.get(name);
  if (example?.lang !== 'text') throw new Error(`No text example ${name} in docs/isp-integration.md`);
  return example.text.trim();
}

const ispEntry = () => json('isp-config');
const settings = () => HttpAdapterSettings.parse(ispEntry().settings);

/** The content claims of a message, as the callback route validates them. */
function content(claims: Record<string, unknown>): Record<string, unknown> {
  const { iss: _iss, iat: _iat, jti: _jti, ...rest } = claims;
  return rest;
}

/** Verifies an example JWS as the service does, at the moment it was signed. */
async function verifyExample(jws: string, kind: 'event' | 'evidence') {
  const keys = ispEntry().keys as JWK[];
  const iat = decodeJwt(jws).iat as number;
  const seen: string[] = [];
  return verifyIspMessage(jws, kind, {
    keysOf: async (issuer) => (issuer === ispEntry().issuer ? keys : []),
    rememberJti: async (_issuer, jti) => {
      seen.push(jti);
    },
    now: () => new Date(iat * 1000),
  });
}

const MessageHeader = (kind: 'event' | 'evidence') =>
  z.strictObject({
    alg: z.enum(ISP_ALGORITHMS),
    typ: z.literal(ISP_MESSAGE_TYPES[kind]),
    kid: z.string().min(1),
  });
const MessageEnvelope = z.object({
  iss: z.string().min(1),
  iat: z.number().int(),
  jti: z.string().regex(/^[\w.:-]{8,128}$/),
});
const CallbackAnswer = z.strictObject({
  refId: z.uuid(),
  outcome: z.enum(['applied', 'duplicate', 'stale']),
  status: z.string(),
  evidenceId: z.uuid().nullable().optional(),
});
const ProblemBody = z.object({
  type: z.url(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
});

describe('docs/isp-integration.md', () => {
  it('holds every example this test checks', () => {
    expect([...EXAMPLES.keys()].sort()).toEqual(
      [
        'isp-config',
        'order-request',
        'order-response',
        'order-token-header',
        'order-token-claims',
        'introspection-active',
        'introspection-inactive',
        'event-header',
        'event-claims',
        'event-claims-cancelled',
        'event-jws',
        'event-answer',
        'evidence-header',
        'evidence-claims',
        'evidence-jws',
        'evidence-answer',
        'callback-problem',
      ].sort(),
    );
  });

  describe('registration', () => {
    it('shows a partner entry the configuration accepts, with valid http adapter settings', () => {
      const parsed = ServiceConfigSchema.parse({ isps: [ispEntry()], serviceProviders: [] });

      expect(parsed.isps[0]?.adapter).toBe('http');
      expect(parsed.isps[0]?.clients).toEqual([
        { clientId: 'exampleident-backend', scopes: ['srs/introspect'] },
      ]);
    });

    it('registers two public keys with distinct kids (a rotation), without private material', () => {
      const keys = ispEntry().keys as JWK[];

      expect(keys).toHaveLength(2);
      expect(new Set(keys.map((k) => k.kid)).size).toBe(2);
      for (const key of keys) {
        expect(key).not.toHaveProperty('d');
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      }
    });
  });

  describe('how orders arrive', () => {
    it('shows exactly the request body the generic adapter builds from the example settings', () => {
      const request = json('order-request');

      const built = orderRequestBody(settings(), {
        refId: request.reference,
        firstName: 'Hans',
        lastName: 'Muster',
        dob: '1978-02-28',
        email: 'hans.muster@swisscom.com',
        mobile: '+41783478228',
        language: 'de',
        method: 'video',
        loa: 4,
        jurisdictions: ['ZERTES', 'EIDAS'],
        expiresAt: '2026-03-02T13:30:00.000Z',
        orderToken: request.srsOrderToken,
        callbackUrl: 'https://srs.example.com/isp/v1',
      });

      expect(built).toEqual(request);
    });

    it('shows a partner answer the adapter reads with the example pointers', () => {
      expect(readOrderAnswer(settings(), json('order-response'), false)).toEqual({
        ok: true,
        ispOrderId: 'EI-20260302-0042',
        redirectUrl: 'https://ident.exampleident.example/start/EI-20260302-0042',
      });
    });
  });

  describe('the order token and introspection', () => {
    it('shows the header and claims of the order token that the example request carries', () => {
      const token = String(json('order-request').srsOrderToken);

      expect(OrderTokenHeader.parse(json('order-token-header'))).toEqual(decodeProtectedHeader(token));
      expect(OrderTokenClaims.parse(json('order-token-claims'))).toEqual(decodeJwt(token));
      expect(json('order-token-claims').aud).toBe(ispEntry().issuer);
    });

    it('shows an active answer of the introspection schema, for that token', () => {
      const answer = ActiveOrderToken.parse(json('introspection-active'));
      const { client_id: _c, active: _a, token_type: _t, ...claims } = answer;

      expect(IntrospectionResponse.safeParse(answer).success).toBe(true);
      expect(claims).toEqual(json('order-token-claims'));
    });

    it('shows the inactive answer as {"active": false} alone', () => {
      expect(InactiveToken.parse(json('introspection-inactive'))).toEqual({ active: false });
    });
  });

  describe('status events', () => {
    it('shows a JWS that verifies with the example key and carries the documented header and claims', async () => {
      const jws = text('event-jws');

      const claims = await verifyExample(jws, 'event');

      expect(decodeProtectedHeader(jws)).toEqual(MessageHeader('event').parse(json('event-header')));
      expect(claims).toEqual(json('event-claims'));
    });

    it.each([['event-claims'], ['event-claims-cancelled']])(
      'shows %s that the event schema accepts',
      (name) => {
        const claims = json(name);

        expect(MessageEnvelope.parse(claims).iss).toBe(ispEntry().issuer);
        expect(IspEventClaims.parse(content(claims))).toEqual(content(claims));
      },
    );

    it('shows the answer to an event', () => {
      expect(CallbackAnswer.parse(json('event-answer')).outcome).toBe('applied');
    });
  });

  describe('evidence', () => {
    it('shows a JWS that verifies with the example key and carries the documented header and claims', async () => {
      const jws = text('evidence-jws');

      const claims = await verifyExample(jws, 'evidence');

      expect(decodeProtectedHeader(jws)).toEqual(MessageHeader('evidence').parse(json('evidence-header')));
      expect(claims).toEqual(json('evidence-claims'));
    });

    it('shows evidence claims that the evidence schema accepts unchanged', () => {
      const claims = json('evidence-claims');

      expect(MessageEnvelope.parse(claims).iss).toBe(ispEntry().issuer);
      expect(IspEvidenceClaims.parse(content(claims))).toEqual(content(claims));
    });

    it('shows the answer to an evidence import, with our evidenceId', () => {
      expect(CallbackAnswer.parse(json('evidence-answer')).evidenceId).toEqual(expect.any(String));
    });
  });

  it('shows an error answer as RFC 9457 problem details of this service', () => {
    const problem = ProblemBody.parse(json('callback-problem'));

    expect(problem.type).toMatch(/^https:\/\/smart-registration\.example\/problems\//);
  });

  it('refuses the example event once it is older than the iat window (it is no live credential)', async () => {
    const jws = text('event-jws');

    await expect(
      verifyIspMessage(jws, 'event', {
        keysOf: async () => ispEntry().keys as JWK[],
        rememberJti: async () => undefined,
        now: () => new Date(((decodeJwt(jws).iat as number) + 301) * 1000),
      }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
