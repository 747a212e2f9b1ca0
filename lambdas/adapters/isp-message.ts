/**
 * Messages from identification partners: compact JWS (RFC 7515) signed with a key registered for
 * that partner. Checks: an algorithm allow-list (ES256, RS256 — never `none` or HMAC, so a public
 * key can never be used as an HMAC secret), the route's own `typ` (RFC 8725 §3.11), the signature
 * against the claimed issuer's keys only, `iat` within ±5 minutes, and a `jti` never seen before. The JWS itself is checked by
 * compact-jws.ts (WebCrypto, as jose checked it, without jose in isp-callback's bundle).
 */
import type { JWK } from 'jose';
import { isTyp } from '../core/jose-typ.js';
import { type RepeatedMember, repeatedMember } from '../core/json-members.js';
import { IAT_WINDOW_SECONDS } from '../core/partner-clock.js';
import { ALG_OF_KTY } from '../core/partner-key-algorithms.js';
import { Problem } from '../core/problems.js';
import { isTransientAwsError } from './aws-errors.js';
import { decodeProtectedHeader, signCompact, UnusableKeyError, verifiedPayload } from './compact-jws.js';

export const ISP_ALGORITHMS = ['ES256', 'RS256'] as const;
export { IAT_WINDOW_SECONDS };

export const ISP_MESSAGE_TYPES = {
  event: 'isp-event+jwt',
  evidence: 'isp-evidence+jwt',
} as const;
export type IspMessageKind = keyof typeof ISP_MESSAGE_TYPES;

export interface IspMessageClaims {
  iss: string;
  iat: number;
  jti: string;
  refId: string;
  [claim: string]: unknown;
}

export interface IspMessageDeps {
  /** The registered public keys of an issuer; none for an unknown issuer. */
  keysOf(issuer: string): Promise<JWK[]>;
  /** Records the jti; throws (any error) if it was seen before. */
  rememberJti(issuer: string, jti: string, until: Date): Promise<void>;
  /**
   * Told when a registered key of the issuer cannot check a signature at all (it is skipped): the
   * partner gets the usual 401, the operator has to learn why (the function logs it).
   */
  onUnusableKey?: (key: UnusableKey) => void;
  now?: () => Date;
}

/** Which registered key could not be used and why — never the key itself, the message or its claims. */
export interface UnusableKey {
  issuer: string;
  /** The key's position among the issuer's registered keys. */
  keyIndex: number;
  kid: string | undefined;
  /** The algorithm of the message it was to check. */
  alg: string;
  errorName: string;
  errorCode: string | undefined;
  /** What is wrong with it, in the check's own words (never the key's members). */
  reason: string;
}

/**
 * The members of a registered entry that pick it for a message, read so that an entry that is not a
 * key object (null in a list written by hand) or names no known kty is simply tried — and told as
 * unusable — rather than a TypeError here, and a kty like `constructor` finds nothing on the prototype.
 */
function selectorsOf(entry: unknown): { kid: unknown; alg: unknown } {
  if (typeof entry !== 'object' || entry === null) return { kid: undefined, alg: undefined };
  const { kid, alg, kty } = entry as Record<string, unknown>;
  return {
    kid,
    alg: alg ?? (typeof kty === 'string' && Object.hasOwn(ALG_OF_KTY, kty) ? ALG_OF_KTY[kty] : undefined),
  };
}

const unauthorized = (detail: string) =>
  new Problem({ status: 401, slug: 'isp-message-rejected', title: 'ISP message rejected', detail });
const notSignedByIssuer = () =>
  unauthorized('The message is not signed with a key registered for its issuer.');
const invalid = (detail: string) =>
  new Problem({ status: 400, slug: 'isp-message-invalid', title: 'Invalid ISP message', detail });

/** A name or path segment a refusal may repeat: short and plain (what a caller sent is not echoed otherwise). */
const PLAIN_NAME = /^[\w.:-]{1,64}$/;

/** The refusal of a header or payload that names a member twice (json-members.ts). */
function repeatedMemberProblem(part: 'header' | 'payload', repeated: RepeatedMember): Problem {
  const path = repeated.path.map(String);
  const where =
    path.length === 0
      ? ' at its top level'
      : path.every((segment) => PLAIN_NAME.test(segment))
        ? ` in ${path.join('.')}`
        : '';
  const name = PLAIN_NAME.test(repeated.name) ? `"${repeated.name}"` : 'a member name';
  return invalid(
    `The ${part} names ${name} twice in one object${where}: a signed document must name each member once (RFC 8259 §4), or its signer and this service may read different values.`,
  );
}

/**
 * A JWS part (base64url) as a JSON object: UTF-8 without a bad byte (no two byte sequences read as
 * one name), each member named once in every object. Undefined when it is no JSON object.
 */
function strictJsonPart(part: 'header' | 'payload', encoded: string): Record<string, unknown> | undefined {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64url'));
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const repeated = repeatedMember(text);
  if (repeated) throw repeatedMemberProblem(part, repeated);
  return value as Record<string, unknown>;
}

function decodePayloadUnverified(jws: string): Record<string, unknown> {
  const claims = strictJsonPart('payload', jws.split('.')[1] ?? '');
  if (!claims) throw invalid('The payload is not a JSON object.');
  return claims;
}

/** Verifies a partner's message and returns its claims; a problem (401/400) otherwise. */
export async function verifyIspMessage(
  jws: string,
  kind: IspMessageKind,
  deps: IspMessageDeps,
): Promise<IspMessageClaims> {
  const compact = jws.trim();
  if (compact.length > 64 * 1024 || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(compact)) {
    throw invalid('Expected a compact JWS.');
  }
  const header = decodeProtectedHeader(compact);
  if (!header) throw invalid('The JWS header is not readable.');
  // A header naming alg, kid or typ twice is as ambiguous as such a payload.
  strictJsonPart('header', compact.split('.')[0] ?? '');
  const alg = header.alg as (typeof ISP_ALGORITHMS)[number];
  if (!ISP_ALGORITHMS.includes(alg)) {
    // Not String(alg): ["ES256"] would read as the accepted name it is not.
    throw unauthorized(
      typeof header.alg === 'string'
        ? `Algorithm ${header.alg} is not accepted; use ES256 or RS256.`
        : 'The alg header parameter must be the string ES256 or RS256.',
    );
  }
  // RFC 8725 §3.11: a message says which route it was signed for, and each route takes only its
  // own, so one signed for the other route is not read here (the jti stops only the same message
  // twice). Every producer (the docs' examples, signIspMessage) sets it, so it is required.
  if (!isTyp(header.typ, ISP_MESSAGE_TYPES[kind])) {
    throw invalid(
      header.typ === undefined
        ? `The typ header parameter is missing: this route takes typ ${ISP_MESSAGE_TYPES[kind]}.`
        : `Expected typ ${ISP_MESSAGE_TYPES[kind]}.`,
    );
  }
  if (header.crit !== undefined) throw invalid('Critical header parameters are not supported.');
  // The issuer picks the keys; the signature then has to prove it.
  const claimedIssuer = decodePayloadUnverified(compact).iss;
  if (typeof claimedIssuer !== 'string' || claimedIssuer === '') throw invalid('The iss claim is missing.');
  const keys = (await deps.keysOf(claimedIssuer))
    .map((jwk, keyIndex) => ({ jwk, keyIndex }))
    .filter(({ jwk }) => {
      const { kid, alg: keyAlg } = selectorsOf(jwk);
      return (header.kid === undefined || kid === header.kid) && (keyAlg ?? header.alg) === header.alg;
    });
  // One answer for an unknown issuer, a key id it does not have and a bad signature: a caller must
  // not learn which issuers are registered, nor which key ids they use.
  if (keys.length === 0) throw notSignedByIssuer();

  let payload: Uint8Array | undefined;
  for (const { jwk, keyIndex } of keys) {
    const { kid } = selectorsOf(jwk);
    try {
      payload = await verifiedPayload(compact, jwk, alg);
      if (payload) break;
    } catch (err) {
      // A registered key that cannot check this signature at all (another curve, key_ops without
      // verify, a private key, too short) is not this message's key: the next is tried, and none
      // verifying is the 401 below, not a 500. It is the operator's to mend, so it is told (with
      // the error jose named for it); a signature that is simply not the key's is not.
      if (!(err instanceof UnusableKeyError)) throw err;
      deps.onUnusableKey?.({
        issuer: claimedIssuer,
        keyIndex,
        kid: typeof kid === 'string' ? kid : undefined,
        alg,
        errorName: err.refusal.name,
        errorCode: err.refusal.code,
        reason: err.message,
      });
    }
  }
  if (!payload) throw notSignedByIssuer();

  const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  const now = (deps.now ?? (() => new Date()))();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat))
    throw invalid('The iat claim is missing.');
  if (Math.abs(nowSeconds - claims.iat) > IAT_WINDOW_SECONDS) {
    throw unauthorized('The message was issued outside the accepted ±5 minute window.');
  }
  // RFC 7519 §4.1.4, §4.1.5: a partner that bounds its message's validity is held to the bounds,
  // with the allowance for its clock that iat has.
  for (const claim of ['exp', 'nbf'] as const)
    if (claims[claim] !== undefined && (typeof claims[claim] !== 'number' || !Number.isFinite(claims[claim])))
      throw invalid(`The ${claim} claim must be a number (seconds since the epoch).`);
  if (typeof claims.exp === 'number' && claims.exp <= nowSeconds - IAT_WINDOW_SECONDS)
    throw unauthorized('The message has expired: its exp has passed.');
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + IAT_WINDOW_SECONDS)
    throw unauthorized('The message is not valid yet: its nbf lies ahead.');
  if (typeof claims.jti !== 'string' || !/^[\w.:-]{8,128}$/.test(claims.jti)) {
    throw invalid('The jti claim must be 8 to 128 characters of [A-Za-z0-9_.:-].');
  }
  if (typeof claims.refId !== 'string') throw invalid('The refId claim is missing.');
  try {
    // Remember it for as long as the iat window could let it in again.
    await deps.rememberJti(
      claimedIssuer,
      claims.jti,
      new Date((claims.iat + IAT_WINDOW_SECONDS + 60) * 1000),
    );
  } catch (err) {
    // Throttled or failing storage is not a replay: a 503 tells the partner to send again.
    if (isTransientAwsError(err)) throw err;
    throw unauthorized('This message (jti) was received before.');
  }
  return claims as IspMessageClaims;
}

/**
 * Signs a message as a partner does (the Test-ISP simulator, tests, the partner docs' examples):
 * the header and claims jose's SignJWT wrote (test/unit/compact-jws-parity.test.ts).
 */
export async function signIspMessage(
  kind: IspMessageKind,
  claims: Omit<IspMessageClaims, 'iat' | 'jti'> & { iat?: number; jti?: string },
  privateJwk: JWK,
): Promise<string> {
  const alg = privateJwk.alg ?? (privateJwk.kty === 'EC' ? 'ES256' : 'RS256');
  if (!ISP_ALGORITHMS.includes(alg as (typeof ISP_ALGORITHMS)[number]))
    throw new Error(`Partner messages are signed with ES256 or RS256, not ${alg}`);
  const { iat, jti, ...rest } = claims;
  const issuedAt = iat ?? Math.floor(Date.now() / 1000);
  if (!Number.isFinite(issuedAt)) throw new TypeError('The iat claim must be a finite number');
  return signCompact(
    {
      alg: alg as (typeof ISP_ALGORITHMS)[number],
      typ: ISP_MESSAGE_TYPES[kind],
      ...(privateJwk.kid ? { kid: privateJwk.kid } : {}),
    },
    { ...rest, iat: issuedAt, jti: jti ?? crypto.randomUUID() },
    privateJwk,
  );
}
