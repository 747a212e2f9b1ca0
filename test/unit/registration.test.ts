import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseDn } from '../../lambdas/core/dn.js';
import {
  decideVerify,
  normaliseMsisdn,
  registrationValidUntil,
  type VerifyQuestion,
} from '../../lambdas/core/registration.js';
import { distinguishedNameOf, wellFormedVerifyRequest } from '../../lambdas/core/verify-request.js';
import { PAPER_VERIFY_BODY, registration } from './fixtures.js';

/** The time as the verify handler passes it: one clock reading, formatted once. */
const NOW = '2025-06-15T12:00:00.000Z';

/** The paper's verify question, asked by a claimed identity that signs under both laws. */
const question = (overrides: Partial<VerifyQuestion> = {}): VerifyQuestion => ({
  assuranceLevel: PAPER_VERIFY_BODY.assuranceLevel,
  distinguishedName: PAPER_VERIFY_BODY.distinguishedName,
  jurisdictions: ['ZERTES', 'EIDAS'],
  ...overrides,
});

describe('decideVerify', () => {
  it('takes the time in one form, the ISO timestamp validUntil is stored in (checked by the typecheck)', () => {
    // A Date beside it made each caller choose, and the function convert on the verify path.
    expectTypeOf(decideVerify).parameter(2).toEqualTypeOf<string>();
  });

  it('says no for a claimed identity the service does not know, before looking at the registration', () => {
    expect(decideVerify(registration(), question({ jurisdictions: undefined }), NOW)).toEqual({
      ok: false,
      reason: 'unknown-claimed-identity',
    });
  });

  it('answers with the registration it said yes for', () => {
    const reg = registration();
    expect(decideVerify(reg, question(), NOW)).toEqual({ ok: true, registration: reg });
  });

  it('says yes to the paper’s question for a matching, valid LoA 4 registration', () => {
    expect(decideVerify(registration(), question(), NOW)).toMatchObject({ ok: true });
  });

  it('says no when the number is not registered', () => {
    expect(decideVerify(undefined, question(), NOW)).toEqual({ ok: false, reason: 'not-registered' });
  });

  describe('validity', () => {
    it('says no once the registration has expired', () => {
      const reg = registration({ validUntil: '2025-06-15T11:59:59.999Z' });

      expect(decideVerify(reg, question(), NOW)).toEqual({ ok: false, reason: 'expired' });
    });

    it('says no at the very instant of expiry', () => {
      const reg = registration({ validUntil: NOW });

      expect(decideVerify(reg, question(), NOW)).toEqual({ ok: false, reason: 'expired' });
    });

    it('says yes one millisecond before expiry', () => {
      const reg = registration({ validUntil: '2025-06-15T12:00:00.001Z' });

      expect(decideVerify(reg, question(), NOW)).toMatchObject({ ok: true });
    });

    it('checks expiry before anything else', () => {
      const reg = registration({ validUntil: '2020-01-01T00:00:00.000Z', loa: 3 });

      expect(decideVerify(reg, question({ distinguishedName: 'not a dn' }), NOW)).toEqual({
        ok: false,
        reason: 'expired',
      });
    });
  });

  describe('level of assurance', () => {
    it('lets a LoA 4 registration satisfy a LoA 3 request', () => {
      expect(decideVerify(registration({ loa: 4 }), question({ assuranceLevel: 3 }), NOW)).toMatchObject({
        ok: true,
      });
    });

    it('does not let a LoA 3 registration satisfy a LoA 4 request', () => {
      expect(decideVerify(registration({ loa: 3 }), question({ assuranceLevel: 4 }), NOW)).toEqual({
        ok: false,
        reason: 'loa',
      });
    });

    it('lets a LoA 3 registration satisfy a LoA 3 request', () => {
      expect(decideVerify(registration({ loa: 3 }), question({ assuranceLevel: 3 }), NOW)).toMatchObject({
        ok: true,
      });
    });
  });

  describe('jurisdictions', () => {
    it('says yes when the claimed identity’s jurisdictions are a subset of the registration’s', () => {
      expect(decideVerify(registration(), question({ jurisdictions: ['EIDAS'] }), NOW)).toMatchObject({
        ok: true,
      });
      expect(decideVerify(registration(), question({ jurisdictions: ['ZERTES'] }), NOW)).toMatchObject({
        ok: true,
      });
    });

    it('says no when the claimed identity signs under a jurisdiction the registration lacks', () => {
      const reg = registration({ jurisdictions: ['EIDAS'] });

      expect(decideVerify(reg, question({ jurisdictions: ['ZERTES', 'EIDAS'] }), NOW)).toEqual({
        ok: false,
        reason: 'jurisdiction',
      });
      expect(decideVerify(reg, question({ jurisdictions: ['ZERTES'] }), NOW)).toEqual({
        ok: false,
        reason: 'jurisdiction',
      });
    });
  });

  describe('distinguished name', () => {
    it('says no when the DN names someone else', () => {
      expect(
        decideVerify(registration(), question({ distinguishedName: 'gn=Hans, sn=Muller' }), NOW),
      ).toEqual({
        ok: false,
        reason: 'dn:family-name',
      });
    });

    it('says no when the DN’s country is not a nationality', () => {
      expect(
        decideVerify(registration(), question({ distinguishedName: 'gn=Hans, sn=Müller, c=DE' }), NOW),
      ).toEqual({ ok: false, reason: 'dn:country' });
    });

    it('says no when the DN carries an attribute that cannot be vouched for', () => {
      expect(
        decideVerify(registration(), question({ distinguishedName: 'gn=Hans, sn=Müller, o=Evil Corp' }), NOW),
      ).toEqual({ ok: false, reason: 'dn:unsupported:o' });
    });

    it('checks the serial number against the registration’s', () => {
      expect(
        decideVerify(
          registration(),
          question({ distinguishedName: 'gn=Hans, sn=Müller, serialNumber=SRS-7f3a9c01' }),
          NOW,
        ),
      ).toMatchObject({ ok: true });
      expect(
        decideVerify(
          registration(),
          question({ distinguishedName: 'gn=Hans, sn=Müller, serialNumber=SRS-other' }),
          NOW,
        ),
      ).toEqual({ ok: false, reason: 'dn:serial-number' });
    });

    it.each([
      ['an empty RDN', 'gn=Hans,, sn=Müller'],
      ['an unterminated quote', 'gn="Hans, sn=Müller'],
      ['a repeated attribute', 'gn=Hans, gn=Hans, sn=Müller'],
      ['a hex-escaped control character', 'gn=Hans\\0A, sn=Müller'],
    ])('answers dn-syntax for %s instead of throwing', (_label, distinguishedName) => {
      expect(decideVerify(registration(), question({ distinguishedName }), NOW)).toEqual({
        ok: false,
        reason: 'dn-syntax',
      });
    });
  });

  it('checks the level before the jurisdictions and the jurisdictions before the DN', () => {
    const reg = registration({ loa: 3, jurisdictions: ['EIDAS'] });

    expect(decideVerify(reg, question({ assuranceLevel: 4, distinguishedName: 'gn=X, sn=Y' }), NOW)).toEqual({
      ok: false,
      reason: 'loa',
    });
    expect(decideVerify(reg, question({ assuranceLevel: 3, distinguishedName: 'gn=X, sn=Y' }), NOW)).toEqual({
      ok: false,
      reason: 'jurisdiction',
    });
  });
});

describe('normaliseMsisdn', () => {
  it.each([
    ['41791234567', '41791234567'],
    ['+41791234567', '41791234567'],
    ['+41 79 123 45 67', '41791234567'],
    ['+41-79-123-45-67', '41791234567'],
    ['(+41) 79/123.45.67', '41791234567'],
    ['41+791234567', '41791234567'],
    ['+', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseMsisdn(input)).toBe(expected);
  });

  it('makes the paper’s verify msisdn and an E.164 start mobile the same registration', () => {
    expect(normaliseMsisdn('+41791234567')).toBe(normaliseMsisdn(PAPER_VERIFY_BODY.msisdn));
  });
});

describe('registrationValidUntil', () => {
  const ACCEPTED = new Date('2025-01-10T08:00:00.000Z');

  it('ends at the end of the document’s expiry day when the document expires first', () => {
    expect(registrationValidUntil('2027-03-31', ACCEPTED)).toBe('2027-03-31T23:59:59.999Z');
  });

  it('ends five years after acceptance when the document expires later', () => {
    expect(registrationValidUntil('2034-12-31', ACCEPTED)).toBe('2030-01-10T08:00:00.000Z');
  });

  it('ends five years after acceptance without a document expiry', () => {
    expect(registrationValidUntil(null, ACCEPTED)).toBe('2030-01-10T08:00:00.000Z');
  });

  it('honours a configured maximum', () => {
    expect(registrationValidUntil(null, ACCEPTED, 2)).toBe('2027-01-10T08:00:00.000Z');
    expect(registrationValidUntil('2026-06-30', ACCEPTED, 2)).toBe('2026-06-30T23:59:59.999Z');
  });

  it('takes the maximum when the document expires on the fifth anniversary', () => {
    // The document runs to 23:59:59.999 of its last day, which is later than 08:00 five years on.
    expect(registrationValidUntil('2030-01-10', ACCEPTED)).toBe('2030-01-10T08:00:00.000Z');
  });

  it('gives a past date for a document already expired, so that verify says no', () => {
    const validUntil = registrationValidUntil('2024-12-31', ACCEPTED);

    expect(validUntil).toBe('2024-12-31T23:59:59.999Z');
    expect(decideVerify(registration({ validUntil }), question(), ACCEPTED.toISOString())).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('does not change the acceptance date it is given', () => {
    const accepted = new Date(ACCEPTED);

    registrationValidUntil(null, accepted);

    expect(accepted.toISOString()).toBe(ACCEPTED.toISOString());
  });
});

describe('the verify request’s name, read once', () => {
  it('is handed to decideVerify as the reader parsed it, and decides as the name sent does', () => {
    const body = { ...PAPER_VERIFY_BODY, distinguishedName: 'gn=Hans, sn="Müller", cn=Hans Müller' };
    const read = wellFormedVerifyRequest(body);
    if (!read) throw new Error('the reader left the paper’s body');

    const name = distinguishedNameOf(read);

    expect(name).toEqual(parseDn(body.distinguishedName));
    const reg = registration({ givenName: 'Hans', familyName: 'Müller' });
    expect(decideVerify(reg, question({ distinguishedName: name }), NOW)).toEqual(
      decideVerify(reg, question({ distinguishedName: body.distinguishedName }), NOW),
    );
    expect(decideVerify(reg, question({ distinguishedName: name }), NOW)).toMatchObject({ ok: true });
  });

  it('is the name as sent for a request read before the last one: never the later request’s name', () => {
    const first = wellFormedVerifyRequest({ ...PAPER_VERIFY_BODY, distinguishedName: 'gn=Hans, sn=Muster' });
    const second = wellFormedVerifyRequest({
      ...PAPER_VERIFY_BODY,
      distinguishedName: 'gn=Anna, sn=Beispiel',
    });
    if (!first || !second) throw new Error('the reader left a well-formed body');

    expect(distinguishedNameOf(first)).toBe('gn=Hans, sn=Muster');
    expect(distinguishedNameOf(second)).toEqual(parseDn('gn=Anna, sn=Beispiel'));
  });

  it('is the name as sent for a request the reader did not return (the schema’s), parsed by decideVerify', () => {
    const fromSchema = { ...PAPER_VERIFY_BODY };

    expect(distinguishedNameOf(fromSchema)).toBe(PAPER_VERIFY_BODY.distinguishedName);
    expect(decideVerify(registration(), question({ distinguishedName: 'not a name' }), NOW)).toEqual({
      ok: false,
      reason: 'dn-syntax',
    });
  });
});
