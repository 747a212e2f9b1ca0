/**
 * compact-jws.ts against jose, on a generated corpus: partner messages are verified without jose
 * (isp-callback's bundle leaves it out), and this is the check that nothing jose refused is now
 * accepted, nor the reverse. Each message of the corpus (valid ones, forged and malformed ones) is
 * checked with each registered-key shape (good, private, wrong curve or type, too short, bad
 * members), once by jose's importJWK + compactVerify and once by verifiedPayload, and the outcomes
 * must be the same: the payload verified, not verified (jose's JWSInvalid and
 * JWSSignatureVerificationFailed), or a key that cannot be used at all (jose threw importing it, or
 * a TypeError about it while verifying: verifyIspMessage skips it). The header reader and the
 * base64url decoder are held to jose's the same way, and signIspMessage to jose's SignJWT.
 *
 * Two deliberate differences, both stricter than jose: a header with `crit` never verifies (jose
 * honours `crit: ["b64"]`, reading an unencoded payload); and an RSA key whose public exponent is
 * below 3 or even is refused at the check where jose refuses a modulus under 2048 bits (WebCrypto
 * and jose take e = 1, with which the padded digest is its own signature: anyone could sign as the
 * partner).
 */
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import {
  base64url,
  compactVerify,
  errors,
  importJWK,
  type JWK,
  decodeProtectedHeader as joseDecodeProtectedHeader,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  decodeBase64url,
  decodeProtectedHeader,
  type JwsAlgorithm,
  UnusableKeyError,
  verifiedPayload,
} from '../../lambdas/adapters/compact-jws.js';
import { signIspMessage, verifyIspMessage } from '../../lambdas/adapters/isp-message.js';
import { pkcs1Sha256Encoded } from '../support/rsa-forgery.js';

/** What jose reported for a key it could not use: the name and string code the operator's log shows. */
type Unusable = { unusable: string };
type Outcome = { verified: string } | 'not verified' | Unusable | { error: string };
const unusable = (err: unknown): Unusable => {
  const { name, code } = err as { name: string; code?: unknown };
  return { unusable: typeof code === 'string' ? `${name} ${code}` : name };
};

/** jose's outcome, sorted as verifyIspMessage sorted it when it called jose. */
async function joseOutcome(compact: string, jwk: unknown, alg: JwsAlgorithm): Promise<Outcome> {
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(jwk as JWK, alg);
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError || err instanceof DOMException)
      return unusable(err);
    return { error: (err as Error).name };
  }
  try {
    const { payload } = await compactVerify(compact, key, { algorithms: [alg] });
    return { verified: Buffer.from(payload).toString('base64') };
  } catch (err) {
    if (err instanceof errors.JOSEError) return 'not verified';
    if (err instanceof TypeError || err instanceof DOMException) return unusable(err);
    return { error: (err as Error).name };
  }
}

async function ownOutcome(compact: string, jwk: unknown, alg: JwsAlgorithm): Promise<Outcome> {
  try {
    const payload = await verifiedPayload(compact, jwk, alg);
    return payload ? { verified: Buffer.from(payload).toString('base64') } : 'not verified';
  } catch (err) {
    return err instanceof UnusableKeyError ? unusable(err.refusal) : { error: (err as Error).name };
  }
}

// P-256's group order (SEC 2 §2.4.2): an ECDSA r or s must lie in [1, n-1].
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const b64u = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const toBytes32 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const pair = (type: 'ec' | 'rsa', options: Record<string, unknown>) =>
  generateKeyPairSync(type as 'ec', options as { namedCurve: string });
const publicJwkOf = (key: KeyObject) => key.export({ format: 'jwk' }) as JWK;

/**
 * A P-256 key whose coordinates do not start with a zero byte: cut to 31 bytes (the "x of 31 bytes"
 * shapes), such a coordinate would still be the same number, which WebCrypto imports — the shape
 * would verify in one run of 256.
 */
function ecKeyWithoutLeadingZero() {
  for (;;) {
    const key = pair('ec', { namedCurve: 'P-256' });
    const { x, y } = publicJwkOf(key.publicKey);
    if (Buffer.from(x as string, 'base64url')[0] !== 0 && Buffer.from(y as string, 'base64url')[0] !== 0)
      return key;
  }
}

const ecA = ecKeyWithoutLeadingZero();
const ecB = pair('ec', { namedCurve: 'P-256' });
const ecP384 = pair('ec', { namedCurve: 'P-384' });
const ecP521 = pair('ec', { namedCurve: 'P-521' });
const ecK1 = pair('ec', { namedCurve: 'secp256k1' });
const rsa2048 = pair('rsa', { modulusLength: 2048 });
const rsa1024 = pair('rsa', { modulusLength: 1024 });
const rsa3072 = pair('rsa', { modulusLength: 3072 });
const rsaE3 = pair('rsa', { modulusLength: 2048, publicExponent: 3 });

const signEs = (key: KeyObject, input: string, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363') =>
  sign('sha256', Buffer.from(input), { key, dsaEncoding });
const signRs = (key: KeyObject, input: string) => sign('sha256', Buffer.from(input), key);

const claims = JSON.stringify({ iss: 'Test-ISP', iat: 1_700_000_000, jti: 'jti-corpus-1', refId: 'r-1' });
const esHeader = JSON.stringify({ alg: 'ES256', typ: 'isp-event+jwt' });
const rsHeader = JSON.stringify({ alg: 'RS256', typ: 'isp-event+jwt' });

/** A compact JWS of raw header and payload parts (as sent: any text), signed over them as given. */
function compactOf(
  encodedHeader: string,
  encodedPayload: string,
  signer: (input: string) => Buffer,
  encodeSignature: (signature: Buffer) => string = b64u,
) {
  const input = `${encodedHeader}.${encodedPayload}`;
  return `${input}.${encodeSignature(signer(input))}`;
}
const es = (header: string, payload = b64u(claims), key = ecA.privateKey) =>
  compactOf(header, payload, (input) => signEs(key, input));
const withSignature = (compact: string, signature: string) =>
  `${compact.slice(0, compact.lastIndexOf('.'))}.${signature}`;
const signatureOf = (compact: string) => Buffer.from(compact.split('.')[2] as string, 'base64url');
/** Sets the unused low bits of the last base64url character (64 bytes: 86 characters, 4 spare bits). */
const nonCanonical = (text: string) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text.at(-1) as string);
  return `${text.slice(0, -1)}${alphabet[last | 0b11]}`;
};
/** An ES256 message whose signature's base64url has a `-` or `_` (ECDSA is randomised: retried). */
function esWithUrlCharacters() {
  for (;;) {
    const compact = es(b64u(esHeader));
    if (/[-_]/.test(compact.split('.')[2] as string)) return compact;
  }
}

function corpus(): Record<string, string> {
  const valid = es(b64u(esHeader));
  const [encodedHeader, encodedPayload] = valid.split('.') as [string, string];
  const { r, s } = (() => {
    const signature = signatureOf(valid);
    return {
      r: BigInt(`0x${signature.subarray(0, 32).toString('hex')}`),
      s: BigInt(`0x${signature.subarray(32).toString('hex')}`),
    };
  })();
  const rs = (rValue: bigint, sValue: bigint) =>
    withSignature(valid, b64u(Buffer.concat([toBytes32(rValue), toBytes32(sValue)])));
  const urlChars = esWithUrlCharacters();
  const urlSignature = urlChars.split('.')[2] as string;
  const validRs = compactOf(b64u(rsHeader), b64u(claims), (input) => signRs(rsa2048.privateKey, input));
  const rsSignature = signatureOf(validRs);
  const header = (value: unknown) => b64u(JSON.stringify(value));

  return {
    'ES256 by the key': valid,
    'ES256 by another key of the partner': es(encodedHeader, encodedPayload, ecB.privateKey),
    'RS256 by the 2048-bit key': validRs,
    'RS256 by a 3072-bit key': compactOf(b64u(rsHeader), b64u(claims), (i) => signRs(rsa3072.privateKey, i)),
    'RS256 by a 1024-bit key': compactOf(b64u(rsHeader), b64u(claims), (i) => signRs(rsa1024.privateKey, i)),
    'RS256 by a key with e = 3': compactOf(b64u(rsHeader), b64u(claims), (i) => signRs(rsaE3.privateKey, i)),
    'ES256 header, P-384 key': es(encodedHeader, encodedPayload, ecP384.privateKey),
    'ES256 header, secp256k1 key': es(encodedHeader, encodedPayload, ecK1.privateKey),
    'ES256 header, RSA signature': compactOf(encodedHeader, encodedPayload, (i) =>
      signRs(rsa2048.privateKey, i),
    ),
    'RS256 header, ECDSA signature': es(b64u(rsHeader), encodedPayload),
    'alg none, no signature': `${header({ alg: 'none' })}.${encodedPayload}.`,
    'alg none, the ES256 signature': withSignature(
      es(header({ alg: 'none' })),
      valid.split('.')[2] as string,
    ),
    'HS256 keyed with the public key': compactOf(header({ alg: 'HS256' }), encodedPayload, (i) =>
      createHmac('sha256', JSON.stringify(publicJwkOf(ecA.publicKey)))
        .update(i)
        .digest(),
    ),
    'PS256 by the RSA key': compactOf(header({ alg: 'PS256' }), encodedPayload, (i) =>
      sign('sha256', Buffer.from(i), { key: rsa2048.privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */ }),
    ),
    'ES384 by a P-384 key': compactOf(header({ alg: 'ES384' }), encodedPayload, (i) =>
      sign('sha384', Buffer.from(i), { key: ecP384.privateKey, dsaEncoding: 'ieee-p1363' }),
    ),
    'signature of 63 bytes': withSignature(valid, b64u(signatureOf(valid).subarray(0, 63))),
    'signature of 65 bytes': withSignature(valid, b64u(Buffer.concat([signatureOf(valid), Buffer.alloc(1)]))),
    'signature of 0 bytes': withSignature(valid, ''),
    'signature DER-encoded': compactOf(encodedHeader, encodedPayload, (i) =>
      signEs(ecA.privateKey, i, 'der'),
    ),
    'signature with high S (n - s)': rs(r, P256_N - s),
    'signature with r = 0': rs(0n, s),
    'signature with s = 0': rs(r, 0n),
    'signature with r = n': rs(P256_N, s),
    'signature with s = n': rs(r, P256_N),
    'signature with r + n (≥ n, same r mod n)':
      r + P256_N < 2n ** 256n ? rs(r + P256_N, s) : rs(2n ** 256n - 1n, s),
    'signature with s = 2^256 - 1': rs(r, 2n ** 256n - 1n),
    'signature padded with ==': `${valid}==`,
    'signature padded with one =': `${valid}=`,
    'signature with + and / for - and _': withSignature(
      urlChars,
      urlSignature.replace(/-/g, '+').replace(/_/g, '/'),
    ),
    'the same message with - and _ kept': urlChars,
    'signature with a space inside': withSignature(
      valid,
      `${valid.split('.')[2]?.slice(0, 20)} ${valid.split('.')[2]?.slice(20)}`,
    ),
    'signature with a newline at the end': `${valid}\n`,
    'signature with a vertical tab inside': withSignature(
      valid,
      `${valid.split('.')[2]?.slice(0, 20)}\v${valid.split('.')[2]?.slice(20)}`,
    ),
    'signature with non-canonical trailing bits': withSignature(
      valid,
      nonCanonical(valid.split('.')[2] as string),
    ),
    'signature one character too long (4n + 1)': `${valid}A`,
    'RSA signature one byte short': withSignature(validRs, b64u(rsSignature.subarray(1))),
    'RSA signature one byte long': withSignature(
      validRs,
      b64u(Buffer.concat([Buffer.alloc(1), rsSignature])),
    ),
    'RSA signature all zero': withSignature(validRs, b64u(Buffer.alloc(256))),
    'RS256 forged for an RSA key with e = 1 (the signature is the padded digest)': compactOf(
      b64u(rsHeader),
      b64u(claims),
      (input) => pkcs1Sha256Encoded(input, 256),
    ),
    'payload tampered': `${encodedHeader}.${b64u(claims.replace('r-1', 'r-2'))}.${valid.split('.')[2]}`,
    'payload signed with non-canonical trailing bits': es(encodedHeader, nonCanonical(b64u(`${claims} `))),
    'payload signed padded with =': es(encodedHeader, `${b64u(`${claims} `)}=`),
    'payload signed with a space inside': es(
      encodedHeader,
      `${encodedPayload.slice(0, 10)} ${encodedPayload.slice(10)}`,
    ),
    'payload signed one character too long (4n + 1)': es(encodedHeader, `${b64u(`${claims}  `)}A`),
    'payload signed with a non-ASCII character': es(encodedHeader, `${encodedPayload}é`),
    'payload signed, not JSON': es(encodedHeader, b64u('not json')),
    'header a JSON array': es(b64u(JSON.stringify([{ alg: 'ES256' }]))),
    'header null': es(b64u('null')),
    'header not JSON': es(b64u('{"alg":"ES256"')),
    'header with alg twice, ES256 last': es(b64u('{"alg":"none","alg":"ES256"}')),
    'header with alg twice, none last': es(b64u('{"alg":"ES256","alg":"none"}')),
    'header with a byte-order mark': es(
      b64u(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(esHeader)])),
    ),
    'header with a byte that is not UTF-8': es(
      b64u(Buffer.concat([Buffer.from('{"alg":"ES256","x":"'), Buffer.from([0xff]), Buffer.from('"}')])),
    ),
    'header padded with =': es(`${header({ alg: 'ES256', k: 'x' })}=`),
    'header with non-canonical trailing bits': es(nonCanonical(header({ alg: 'ES256', kk: 'x' }))),
    'header with a space inside': es(`${encodedHeader.slice(0, 8)} ${encodedHeader.slice(8)}`),
    'header with alg as an array': es(header({ alg: ['ES256'] })),
    'header with __proto__': es(b64u('{"alg":"ES256","__proto__":{"crit":["b64"]}}')),
    'header b64: false without crit': es(header({ alg: 'ES256', b64: false })),
    'header with a kid': es(header({ alg: 'ES256', kid: 'a' })),
    'header with crit b64, b64 true': es(header({ alg: 'ES256', crit: ['b64'], b64: true })),
    'header with crit b64, b64 false (the payload unencoded)': compactOf(
      header({ alg: 'ES256', crit: ['b64'], b64: false }),
      '{"iss":"Test-ISP","refId":"r-1"}',
      (input) => signEs(ecA.privateKey, input),
    ),
    'header with crit naming an unknown parameter': es(header({ alg: 'ES256', crit: ['x-ext'], 'x-ext': 1 })),
    'RS256 with crit b64, b64 true': compactOf(
      header({ alg: 'RS256', crit: ['b64'], b64: true }),
      b64u(claims),
      (input) => signRs(rsa2048.privateKey, input),
    ),
    'empty header': es(''),
    'two parts': valid.split('.').slice(0, 2).join('.'),
    'four parts': `${valid}.x`,
    'five parts': `${valid}.x.y`,
  };
}

function registeredKeys(): Record<string, unknown> {
  const a = publicJwkOf(ecA.publicKey);
  const rsa = publicJwkOf(rsa2048.publicKey);
  const flip = (text: string) => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[bytes.length - 1] = (bytes.at(-1) as number) ^ 1;
    return b64u(bytes);
  };
  const nullPrototype = Object.assign(Object.create(null) as object, a);
  return {
    'EC P-256': a,
    'EC P-256 with alg ES256, use sig, kid': { ...a, alg: 'ES256', use: 'sig', kid: 'a' },
    'EC P-256 with alg RS256': { ...a, alg: 'RS256' },
    'another EC P-256 of the partner': publicJwkOf(ecB.publicKey),
    'EC P-256 with d (private)': ecA.privateKey.export({ format: 'jwk' }),
    'EC P-256 with d and key_ops verify': {
      ...ecA.privateKey.export({ format: 'jwk' }),
      key_ops: ['verify'],
    },
    'EC P-256 with d empty': { ...a, d: '' },
    'EC P-256 with priv': { ...a, priv: 'x' },
    'EC P-256 key_ops [verify]': { ...a, key_ops: ['verify'] },
    'EC P-256 key_ops [sign]': { ...a, key_ops: ['sign'] },
    'EC P-256 key_ops []': { ...a, key_ops: [] },
    'EC P-256 key_ops [verify, verify]': { ...a, key_ops: ['verify', 'verify'] },
    'EC P-256 key_ops [verify, sign]': { ...a, key_ops: ['verify', 'sign'] },
    'EC P-256 key_ops [verify, encrypt]': { ...a, key_ops: ['verify', 'encrypt'] },
    'EC P-256 key_ops "verify"': { ...a, key_ops: 'verify' },
    'EC P-256 use enc': { ...a, use: 'enc' },
    'EC P-256 ext false': { ...a, ext: false },
    'EC P-256 ext true': { ...a, ext: true },
    'EC P-256 ext "false"': { ...a, ext: 'false' },
    'EC P-256 crv P-384': { ...a, crv: 'P-384' },
    'EC P-256 without crv': { ...a, crv: undefined },
    'EC P-384': publicJwkOf(ecP384.publicKey),
    'EC P-521': publicJwkOf(ecP521.publicKey),
    'EC secp256k1': publicJwkOf(ecK1.publicKey),
    'EC point not on the curve': { ...a, y: flip(a.y as string) },
    'EC x of 31 bytes': { ...a, x: b64u(Buffer.from(a.x as string, 'base64url').subarray(1)) },
    'EC x of 33 bytes': {
      ...a,
      x: b64u(Buffer.concat([Buffer.alloc(1), Buffer.from(a.x as string, 'base64url')])),
    },
    'EC y of 31 bytes': { ...a, y: b64u(Buffer.from(a.y as string, 'base64url').subarray(1)) },
    'EC x AAAA': { ...a, x: 'AAAA' },
    'EC x padded with =': { ...a, x: `${a.x}=` },
    'EC x with + and /': { ...a, x: (a.x as string).replace(/-/g, '+').replace(/_/g, '/') },
    'EC x a number': { ...a, x: 12 },
    'EC P-256 as kty RSA': { ...a, kty: 'RSA' },
    'EC P-256 as kty OKP': { ...a, kty: 'OKP' },
    'EC P-256 without kty': { ...a, kty: undefined },
    'oct key': { kty: 'oct', k: b64u('secret') },
    'oct key, k not base64url': { kty: 'oct', k: '***' },
    'AKP key alg ES256': { kty: 'AKP', alg: 'ES256', pub: 'AAAA' },
    'null-prototype EC P-256': nullPrototype,
    'a JSON array': [a],
    'a string': JSON.stringify(a),
    null: null,
    'RSA 2048': rsa,
    'RSA 2048 with d (private)': rsa2048.privateKey.export({ format: 'jwk' }),
    'RSA 2048 use enc, key_ops [verify]': { ...rsa, use: 'enc', key_ops: ['verify'] },
    'RSA 2048 key_ops [encrypt]': { ...rsa, key_ops: ['encrypt'] },
    'RSA 2048 ext false': { ...rsa, ext: false },
    'RSA 3072': publicJwkOf(rsa3072.publicKey),
    'RSA 1024': publicJwkOf(rsa1024.publicKey),
    'RSA with e = 3': publicJwkOf(rsaE3.publicKey),
    'RSA with e = 1': { ...rsa, e: 'AQ' },
    'RSA with e = 2 (even)': { ...rsa, e: 'Ag' },
    'RSA with e = 65536 (even)': { ...rsa, e: 'AQAA' },
    'RSA with e empty': { ...rsa, e: '' },
    'RSA with e = 0': { ...rsa, e: 'AA' },
    'RSA with e = 1 after a zero byte': { ...rsa, e: 'AAE' },
    'RSA with n prefixed by a zero byte': {
      ...rsa,
      n: b64u(Buffer.concat([Buffer.alloc(1), Buffer.from(rsa.n as string, 'base64url')])),
    },
    'RSA with n one bit short of 2048': {
      ...rsa,
      n: b64u(Buffer.from(Buffer.from(rsa.n as string, 'base64url').map((b, i) => (i === 0 ? b & 0x7f : b)))),
    },
    'RSA as kty EC': { ...rsa, kty: 'EC' },
  };
}

/**
 * The registered keys whose public exponent is refused, deliberately unlike jose: each gets the
 * outcome jose gives a key it refuses at the same step (the 1024-bit key, too short for RS256): not
 * verified where the message fails before the key is checked, unusable (TypeError) where it reaches
 * the check, and jose's refusal of an RSA key for ES256 at import — never verified.
 */
const UNSAFE_EXPONENT_KEYS = new Set([
  'RSA with e = 1',
  'RSA with e = 1 after a zero byte',
  'RSA with e = 2 (even)',
  'RSA with e = 65536 (even)',
  'RSA with e empty',
  'RSA with e = 0',
]);

/**
 * Keys registered for encryption (`use: "enc"`), which jose takes for a signature and this service
 * does not (RFC 7517 §4.2), each with the key jose refuses at the same step (its check of the key
 * before it verifies): not verified where the message fails before, unusable (TypeError) where it
 * reaches the check, jose's refusal of the other key type at import — never verified.
 */
const ENCRYPTION_KEYS: Record<string, string> = {
  'EC P-256 use enc': 'EC P-256 with d (private)',
  'RSA 2048 use enc, key_ops [verify]': 'RSA 1024',
};

/**
 * The messages whose header has `crit`, refused whatever jose makes of them (deliberately): each
 * gets the outcome jose gives a message it refuses as soon as it reads the header (one whose header
 * is not JSON) — not verified, or the key's refusal where jose refuses the key at import.
 */
const CRIT_MESSAGES = new Set([
  'header with crit b64, b64 true',
  'header with crit b64, b64 false (the payload unencoded)',
  'header with crit naming an unknown parameter',
  'RS256 with crit b64, b64 true',
]);

describe('verifiedPayload against jose’s importJWK + compactVerify', () => {
  let messages: Record<string, string>;
  let keys: Record<string, unknown>;
  beforeAll(() => {
    messages = corpus();
    keys = registeredKeys();
  });

  it('has the same outcome for every message of the corpus with every registered-key shape and algorithm', async () => {
    const differences: string[] = [];
    const seen = new Map<string, number>();
    for (const [messageName, compact] of Object.entries(messages))
      for (const [keyName, jwk] of Object.entries(keys))
        for (const alg of ['ES256', 'RS256'] as const) {
          const expected = await joseOutcome(
            CRIT_MESSAGES.has(messageName) ? (messages['header not JSON'] as string) : compact,
            UNSAFE_EXPONENT_KEYS.has(keyName)
              ? keys['RSA 1024']
              : keyName in ENCRYPTION_KEYS
                ? keys[ENCRYPTION_KEYS[keyName] as string]
                : jwk,
            alg,
          );
          const actual = await ownOutcome(compact, jwk, alg);
          const kind = typeof expected === 'string' ? expected : Object.keys(expected)[0];
          seen.set(kind as string, (seen.get(kind as string) ?? 0) + 1);
          if (JSON.stringify(actual) !== JSON.stringify(expected))
            differences.push(
              `${messageName} / ${keyName} / ${alg}: jose ${JSON.stringify(expected)}, ours ${JSON.stringify(actual)}`,
            );
        }
    expect(differences).toEqual([]);
    // The corpus reaches each outcome, and jose let no error other than its own through.
    expect([...seen.keys()].sort()).toEqual(['not verified', 'unusable', 'verified']);
  }, 120_000);

  it.each([
    ['header with crit b64, b64 true', 'EC P-256', 'ES256'],
    ['header with crit b64, b64 false (the payload unencoded)', 'EC P-256', 'ES256'],
    ['RS256 with crit b64, b64 true', 'RSA 2048', 'RS256'],
    [
      'RS256 forged for an RSA key with e = 1 (the signature is the padded digest)',
      'RSA with e = 1',
      'RS256',
    ],
    ['ES256 by the key', 'EC P-256 use enc', 'ES256'],
    ['RS256 by the 2048-bit key', 'RSA 2048 use enc, key_ops [verify]', 'RS256'],
  ])(
    'differs from jose where stated: %s with %s verifies under jose, not here',
    async (messageName, keyName, alg) => {
      const compact = messages[messageName] as string;
      const jwk = keys[keyName];
      expect(Object.keys(await joseOutcome(compact, jwk, alg as JwsAlgorithm))).toEqual(['verified']);
      expect(await ownOutcome(compact, jwk, alg as JwsAlgorithm)).not.toHaveProperty('verified');
    },
  );

  it('answers not verified, as jose does, when WebCrypto fails while verifying', async () => {
    // subtle.verify answers false for every signature of the corpus; its rejection is jose's
    // JWSSignatureVerificationFailed, and it must never be taken for a verified signature.
    const verify = vi
      .spyOn(crypto.subtle, 'verify')
      .mockRejectedValue(new DOMException('The operation failed', 'OperationError'));
    try {
      for (const [messageName, keyName, alg] of [
        ['ES256 by the key', 'EC P-256', 'ES256'],
        ['RS256 by the 2048-bit key', 'RSA 2048', 'RS256'],
      ] as const) {
        const compact = messages[messageName] as string;
        expect(await joseOutcome(compact, keys[keyName], alg)).toBe('not verified');
        expect(await ownOutcome(compact, keys[keyName], alg)).toBe('not verified');
      }
      expect(verify).toHaveBeenCalledTimes(4);
    } finally {
      verify.mockRestore();
    }
  });

  /** Outcomes the comparison above holds to jose, stated: what a reader of this check needs to know. */
  it.each([
    ['ES256 by the key', 'EC P-256', 'ES256', 'verified'],
    ['ES256 by the key', 'EC P-256 with alg ES256, use sig, kid', 'ES256', 'verified'],
    ['signature with high S (n - s)', 'EC P-256', 'ES256', 'verified'],
    ['ES256 by the key', 'EC P-256 use enc', 'ES256', 'unusable: TypeError'],
    ['ES256 by the key', 'EC P-256 ext false', 'ES256', 'verified'],
    ['header b64: false without crit', 'EC P-256', 'ES256', 'verified'],
    ['signature padded with ==', 'EC P-256', 'ES256', 'verified'],
    ['signature with non-canonical trailing bits', 'EC P-256', 'ES256', 'verified'],
    ['header with alg twice, ES256 last', 'EC P-256', 'ES256', 'verified'],
    ['RS256 by the 2048-bit key', 'RSA 2048', 'RS256', 'verified'],
    ['RS256 by a key with e = 3', 'RSA with e = 3', 'RS256', 'verified'],
    // jose and WebCrypto take an RSA key with e = 1, and with it anyone's message; here it is a key
    // that cannot be used (the deliberate difference), as is any exponent below 3 or even.
    [
      'RS256 forged for an RSA key with e = 1 (the signature is the padded digest)',
      'RSA with e = 1',
      'RS256',
      'unusable: TypeError',
    ],
    [
      'RS256 forged for an RSA key with e = 1 (the signature is the padded digest)',
      'RSA with e = 1 after a zero byte',
      'RS256',
      'unusable: TypeError',
    ],
    ['RS256 by the 2048-bit key', 'RSA with e = 2 (even)', 'RS256', 'unusable: TypeError'],
    ['RS256 by the 2048-bit key', 'RSA with e empty', 'RS256', 'unusable: TypeError'],
    ['signature of 0 bytes', 'RSA with e = 1', 'RS256', 'not verified'],
    ['ES256 by another key of the partner', 'EC P-256', 'ES256', 'not verified'],
    ['payload tampered', 'EC P-256', 'ES256', 'not verified'],
    ['signature DER-encoded', 'EC P-256', 'ES256', 'not verified'],
    ['signature of 63 bytes', 'EC P-256', 'ES256', 'not verified'],
    ['signature of 65 bytes', 'EC P-256', 'ES256', 'not verified'],
    ['signature with r = 0', 'EC P-256', 'ES256', 'not verified'],
    ['signature with s = n', 'EC P-256', 'ES256', 'not verified'],
    ['signature with + and / for - and _', 'EC P-256', 'ES256', 'not verified'],
    ['payload signed one character too long (4n + 1)', 'EC P-256', 'ES256', 'not verified'],
    ['alg none, the ES256 signature', 'EC P-256', 'ES256', 'not verified'],
    [
      'RS256 header, ECDSA signature',
      'EC P-256',
      'RS256',
      'unusable: JOSENotSupported ERR_JOSE_NOT_SUPPORTED',
    ],
    ['ES256 by the key', 'EC P-256 with d (private)', 'ES256', 'unusable: TypeError'],
    ['ES256 by the key', 'EC P-256 key_ops [sign]', 'ES256', 'unusable: SyntaxError'],
    ['ES256 by the key', 'EC P-384', 'ES256', 'unusable: DataError'],
    ['ES256 by the key', 'EC secp256k1', 'ES256', 'unusable: DataError'],
    ['ES256 by the key', 'EC point not on the curve', 'ES256', 'unusable: DataError'],
    ['ES256 by the key', 'EC x of 31 bytes', 'ES256', 'unusable: DataError'],
    ['RS256 by a 1024-bit key', 'RSA 1024', 'RS256', 'unusable: TypeError'],
    ['RS256 by the 2048-bit key', 'RSA with n one bit short of 2048', 'RS256', 'unusable: TypeError'],
  ])('%s with %s (%s): %s', async (messageName, keyName, alg, outcome) => {
    const actual = await ownOutcome(messages[messageName] as string, keys[keyName], alg as JwsAlgorithm);
    expect(
      typeof actual === 'string'
        ? actual
        : 'unusable' in actual
          ? `unusable: ${actual.unusable}`
          : Object.keys(actual)[0],
    ).toBe(outcome);
  });
});

describe('the header and base64url readers against jose’s', () => {
  it('decodeProtectedHeader reads what jose reads, and refuses what it refuses', () => {
    const texts = [
      ...Object.values(corpus()),
      '',
      '.',
      'a.b',
      'a.b.c.d',
      'e30.a.b',
      'e30=.a.b',
      'e30.a.b.c.d',
    ];
    for (const text of texts) {
      let expected: unknown;
      try {
        expected = joseDecodeProtectedHeader(text);
      } catch {
        expected = undefined;
      }
      expect(decodeProtectedHeader(text), text).toEqual(expected);
    }
  });

  it('decodeProtectedHeader reads generated headers as jose does (JSON values, broken UTF-8, a BOM, any bytes)', () => {
    const headerBytes = fc.oneof(
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
      fc.dictionary(fc.string(), fc.jsonValue()).map((value) => Buffer.from(JSON.stringify(value))),
      fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes)),
      fc
        .tuple(
          fc.constantFrom(Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff]), Buffer.from([0xc3])),
          fc.string(),
        )
        .map(([prefix, text]) => Buffer.concat([prefix, Buffer.from(`{"alg":${JSON.stringify(text)}}`)])),
      // Bytes inside a JSON string: not UTF-8 (refused), or UTF-8 of any code point.
      fc
        .uint8Array({ maxLength: 6 })
        .map((bytes) =>
          Buffer.concat([
            Buffer.from('{"alg":"ES256","x":"'),
            Buffer.from(bytes.filter((b) => b !== 0x22 && b !== 0x5c && b >= 0x20)),
            Buffer.from('"}'),
          ]),
        ),
    );
    fc.assert(
      fc.property(headerBytes, (bytes) => {
        const compact = `${b64u(bytes)}.e30.`;
        let expected: unknown;
        try {
          expected = joseDecodeProtectedHeader(compact);
        } catch {
          expected = undefined;
        }
        expect(decodeProtectedHeader(compact)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeBase64url decodes what jose’s base64url.decode decodes, and refuses what it refuses', () => {
    const characters = [...'AZaz09-_+/= \t\n\f\r\v', 'é', '\u0000'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...characters), { maxLength: 14 }), (chars) => {
        const text = chars.join('');
        let expected: string | undefined;
        try {
          expected = Buffer.from(base64url.decode(text)).toString('hex');
        } catch {
          expected = undefined;
        }
        expect(decodeBase64url(text)?.toString('hex')).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('verifyIspMessage picks the keys and answers as it did with jose', () => {
  const now = Math.floor(Date.now() / 1000);
  const message = (header: Record<string, unknown>, key = ecA.privateKey) =>
    es(
      b64u(JSON.stringify({ typ: 'isp-event+jwt', ...header })),
      b64u(JSON.stringify({ iss: 'Test-ISP', iat: now, jti: `jti-${crypto.randomUUID()}`, refId: 'r-1' })),
      key,
    );
  const a = { ...publicJwkOf(ecA.publicKey), kid: 'a' };
  const b = { ...publicJwkOf(ecB.publicKey), kid: 'b' };
  const outcome = (jws: string, keys: unknown[]) =>
    verifyIspMessage(jws, 'event', { keysOf: async () => keys as JWK[], rememberJti: async () => {} }).then(
      (claims) => ({ refId: claims.refId }),
      (err: { status: number; detail: string }) => ({ status: err.status, detail: err.detail }),
    );
  const rejected = { status: 401, detail: 'The message is not signed with a key registered for its issuer.' };

  it.each([
    ['the kid of the key that signed', { alg: 'ES256', kid: 'a' }, ecA.privateKey, { refId: 'r-1' }],
    ['no kid: each key is tried', { alg: 'ES256' }, ecA.privateKey, { refId: 'r-1' }],
    ['the kid of the other key', { alg: 'ES256', kid: 'b' }, ecA.privateKey, rejected],
    ['a kid the partner has not registered', { alg: 'ES256', kid: 'c' }, ecA.privateKey, rejected],
    ['signed by the other key, its kid', { alg: 'ES256', kid: 'b' }, ecB.privateKey, { refId: 'r-1' }],
    ['signed by the other key, the first kid', { alg: 'ES256', kid: 'a' }, ecB.privateKey, rejected],
  ])('%s', async (_case, header, key, expected) => {
    expect(await outcome(message(header, key), [b, a])).toEqual(expected);
  });

  it('skips a key registered for another algorithm, and one it cannot use', async () => {
    expect(await outcome(message({ alg: 'ES256' }), [{ ...a, alg: 'RS256' }])).toEqual(rejected);
    expect(await outcome(message({ alg: 'ES256' }), [{ ...a, crv: 'P-384' }, a])).toEqual({ refId: 'r-1' });
  });

  it('takes only a key’s own members: a kty lent by a polluted Object.prototype is not the key’s', async () => {
    const { kty: _kty, ...withoutKty } = a;
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.kty = 'EC';
    try {
      expect(await outcome(message({ alg: 'ES256', kid: 'a' }), [withoutKty])).toEqual(rejected);
    } finally {
      delete prototype.kty;
    }
    expect(await outcome(message({ alg: 'ES256', kid: 'a' }), [a])).toEqual({ refId: 'r-1' });
  });

  it.each(['none', 'HS256', 'PS256', 'ES384'])('refuses alg %s before any key', async (alg) => {
    expect(await outcome(message({ alg }), [a])).toEqual({
      status: 401,
      detail: `Algorithm ${alg} is not accepted; use ES256 or RS256.`,
    });
  });

  it('refuses b64: false with crit (an unencoded payload) as any critical header, with 400', async () => {
    expect(await outcome(message({ alg: 'ES256', b64: false, crit: ['b64'] }), [a])).toEqual({
      status: 400,
      detail: 'Critical header parameters are not supported.',
    });
  });
});

describe('signIspMessage writes what jose’s SignJWT wrote', () => {
  const claims = { iss: 'Test-ISP', refId: 'r-1', event: 'done', iat: 1_700_000_000, jti: 'jti-sign-1' };
  const joseSigned = async (privateJwk: JWK, alg: JwsAlgorithm) => {
    const { iat, jti, ...rest } = claims;
    return new SignJWT(rest)
      .setProtectedHeader({ alg, typ: 'isp-event+jwt', kid: privateJwk.kid })
      .setIssuedAt(iat)
      .setJti(jti)
      .sign(await importJWK(privateJwk, alg));
  };

  it('RS256 byte for byte (PKCS #1 v1.5 is deterministic)', async () => {
    const privateJwk = { ...(rsa2048.privateKey.export({ format: 'jwk' }) as JWK), kid: 'r' };
    expect(await signIspMessage('event', claims, privateJwk)).toBe(await joseSigned(privateJwk, 'RS256'));
  });

  it('ES256 with the same header and claims, and a signature jose verifies', async () => {
    const privateJwk = { ...(ecA.privateKey.export({ format: 'jwk' }) as JWK), kid: 'a' };
    const ours = await signIspMessage('event', claims, privateJwk);
    const theirs = await joseSigned(privateJwk, 'ES256');
    expect(ours.split('.').slice(0, 2)).toEqual(theirs.split('.').slice(0, 2));
    const { payload } = await compactVerify(ours, await importJWK(publicJwkOf(ecA.publicKey), 'ES256'));
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual(claims);
  });

  it('refuses a key jose refused to sign with: a public key, key_ops without sign', async () => {
    await expect(signIspMessage('event', claims, publicJwkOf(ecA.publicKey))).rejects.toThrow(
      UnusableKeyError,
    );
    const privateJwk = { ...(ecA.privateKey.export({ format: 'jwk' }) as JWK), key_ops: ['verify'] };
    await expect(signIspMessage('event', claims, privateJwk)).rejects.toThrow(UnusableKeyError);
    await expect(joseSigned(privateJwk, 'ES256')).rejects.toThrow();
  });
});
