import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DnAttributes,
  DnSyntaxError,
  distinguishedNameFor,
  type IdentifiedPerson,
  matchDn,
  normaliseName,
  parseDn,
} from '../../lambdas/core/dn.js';
import { IdentificationStatus } from '../../lambdas/core/identification-schemas.js';
import { personName } from '../../lambdas/core/person-fields.js';
import { VerifyRequest } from '../../lambdas/core/schemas.js';

/** The status answer's rule for its distinguishedName (what the OpenAPI document is generated from). */
const IdentificationStatusDn = IdentificationStatus.shape.distinguishedName;

const PAPER_DN = 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH';

/** The parsed DN as a plain object, for readable equality assertions. */
const parsed = (dn: string): Record<string, string[]> => Object.fromEntries(parseDn(dn));

const hans: IdentifiedPerson = {
  givenName: 'Hans',
  familyName: 'Müller',
  nationalities: ['CH'],
  serialNumber: 'SRS-7f3a9c01',
};

const match = (dn: string, person: IdentifiedPerson = hans) => matchDn(parseDn(dn), person);

describe('parseDn', () => {
  describe('the white paper example', () => {
    it('parses the paper DN into given name, surname, common name and country', () => {
      expect(parsed(PAPER_DN)).toEqual({
        gn: ['Hans'],
        sn: ['Müller'],
        cn: ['Hans Müller'],
        c: ['CH'],
      });
    });

    it('returns a Map keyed by the canonical short attribute type', () => {
      const attrs: DnAttributes = parseDn(PAPER_DN);

      expect(attrs).toBeInstanceOf(Map);
      expect([...attrs.keys()]).toEqual(['gn', 'sn', 'cn', 'c']);
    });
  });

  describe('spacing', () => {
    it.each([
      ['no spaces', 'gn=Hans,sn=Müller'],
      ['spaces after commas', 'gn=Hans, sn=Müller'],
      ['spaces around everything', '  gn = Hans ,  sn =  Müller  '],
      ['semicolon separators', 'gn=Hans; sn=Müller'],
    ])('ignores insignificant spaces (%s)', (_label, dn) => {
      expect(parsed(dn)).toEqual({ gn: ['Hans'], sn: ['Müller'] });
    });

    it('keeps spaces inside a value', () => {
      expect(parsed('cn=Hans  Peter Müller')).toEqual({ cn: ['Hans  Peter Müller'] });
    });

    it('keeps an escaped trailing space and an escaped leading space', () => {
      expect(parsed('sn=Müller\\ , gn=\\ Hans')).toEqual({ sn: ['Müller '], gn: [' Hans'] });
    });

    it('keeps an escaped trailing space at the very end of the DN', () => {
      expect(parsed('gn=Hans, sn=Müller\\ ')).toEqual({ gn: ['Hans'], sn: ['Müller '] });
    });
  });

  describe('Unicode', () => {
    it('parses Cyrillic values', () => {
      expect(parsed('gn=Иван, sn=Петров, cn=Иван Петров, c=RU')).toEqual({
        gn: ['Иван'],
        sn: ['Петров'],
        cn: ['Иван Петров'],
        c: ['RU'],
      });
    });

    it('parses CJK values', () => {
      expect(parsed('gn=太郎, sn=山田, c=JP')).toEqual({ gn: ['太郎'], sn: ['山田'], c: ['JP'] });
    });

    it('keeps combining marks as given (normalisation happens when matching)', () => {
      const decomposed = 'Mu\u0308ller';

      const value = parseDn(`sn=${decomposed}`).get('sn');

      expect(value).toEqual([decomposed]);
      expect(value?.[0]).not.toBe('Müller');
    });
  });

  describe('escapes and quoting', () => {
    it('reads an escaped comma as part of the value', () => {
      expect(parsed('cn=Müller\\, Hans, c=CH')).toEqual({ cn: ['Müller, Hans'], c: ['CH'] });
    });

    it.each([
      ['plus', 'cn=A\\+B', 'A+B'],
      ['semicolon', 'cn=A\\;B', 'A;B'],
      ['equals', 'cn=A\\=B', 'A=B'],
      ['quote', 'cn=A\\"B', 'A"B'],
      ['backslash', 'cn=A\\\\B', 'A\\B'],
      ['angle brackets', 'cn=\\<A\\>', '<A>'],
      ['hash', 'cn=\\#A', '#A'],
    ])('reads an escaped %s literally', (_label, dn, value) => {
      expect(parsed(dn)).toEqual({ cn: [value] });
    });

    it('keeps an escaped backslash at the end of a value without adding anything', () => {
      expect(parsed('cn=A\\\\, c=CH')).toEqual({ cn: ['A\\'], c: ['CH'] });
      expect(parsed('cn=A\\\\')).toEqual({ cn: ['A\\'] });
    });

    it('decodes UTF-8 hex escapes (\\C3\\BC is ü)', () => {
      expect(parsed('sn=M\\C3\\BCller')).toEqual({ sn: ['Müller'] });
    });

    it('decodes lower-case hex escapes and multi-byte characters', () => {
      // 山 is E5 B1 B1 in UTF-8.
      expect(parsed('sn=\\e5\\b1\\b1田')).toEqual({ sn: ['山田'] });
    });

    it('decodes a hex-escaped comma without splitting the RDN', () => {
      expect(parsed('cn=Müller\\2C Hans')).toEqual({ cn: ['Müller, Hans'] });
    });

    it('reads a quoted value with a comma, a plus and a semicolon inside', () => {
      expect(parsed('cn="Müller, Hans+Peter; Jr", c=CH')).toEqual({
        cn: ['Müller, Hans+Peter; Jr'],
        c: ['CH'],
      });
    });

    it('reads an escaped quote inside a quoted value', () => {
      expect(parsed('cn="Hans \\"Hansi\\" Müller"')).toEqual({ cn: ['Hans "Hansi" Müller'] });
    });
  });

  describe('RFC 4514 escapes and hexstrings (found by probing: `cn=\\zz` was read as `zz`)', () => {
    it.each([
      ['every special character escaped', 'cn=\\\\\\"\\+\\,\\;\\<\\>\\=\\#', '\\"+,;<>=#'],
      ['an escaped space inside a value', 'cn=Hans\\ Müller', 'Hans Müller'],
      ['a hex pair in either case', 'cn=M\\c3\\BCller', 'Müller'],
      ['a hex pair followed by a letter', 'cn=\\41z', 'Az'],
      ['a # after the first character', 'cn=Nr#1', 'Nr#1'],
      ['an escaped leading #', 'cn=\\#41', '#41'],
      ['a quoted value starting with #', 'cn="#41"', '#41'],
    ])('reads %s', (_label, dn, value) => {
      expect(parsed(dn)).toEqual({ cn: [value] });
    });

    it.each([
      ['an escaped letter that is no hex digit', 'cn=\\zz'],
      ['an escaped hex digit with no second one', 'cn=\\4z'],
      ['an escaped letter inside a value', 'gn=Ha\\ns, sn=Müller'],
      ['an escaped letter in a quoted value', 'cn="Hans \\M"'],
      ['an escaped apostrophe', "sn=O\\'Neill"],
      ['an escaped hyphen', 'sn=Meier\\-Müller'],
      ['a malformed hexstring', '2.5.4.3=#zz'],
      ['a hexstring of an odd length', 'cn=#0C0'],
      ['a bare #', 'cn=#'],
      ['a hexstring followed by text', 'cn=#0C04 Hans'],
      ['a well-formed hexstring (BER values are not decoded)', 'cn=#0C0448616E73'],
      ['a well-formed hexstring by OID', '2.5.4.42=#0C0448616E73, sn=Müller'],
    ])('refuses %s', (_label, dn) => {
      expect(() => parseDn(dn)).toThrow(DnSyntaxError);
    });

    it('says what a backslash may escape and that hexstrings are not supported', () => {
      expect(() => parseDn('cn=\\zz')).toThrow(/backslash must be followed by/);
      expect(() => parseDn('cn=#0C0448616E73')).toThrow(
        /Hex-encoded \(#\) values are not supported for "cn"/,
      );
      expect(() => parseDn('2.5.4.3=#zz')).toThrow(/Malformed hex-encoded \(#\) value for "cn"/);
    });
  });

  describe('attribute types', () => {
    it.each([
      ['givenName=Hans', 'gn'],
      ['GIVENNAME=Hans', 'gn'],
      ['G=Hans', 'gn'],
      ['GN=Hans', 'gn'],
      ['2.5.4.42=Hans', 'gn'],
      ['surname=Hans', 'sn'],
      ['SN=Hans', 'sn'],
      ['2.5.4.4=Hans', 'sn'],
      ['commonName=Hans', 'cn'],
      ['CN=Hans', 'cn'],
      ['2.5.4.3=Hans', 'cn'],
      ['countryName=Hans', 'c'],
      ['C=Hans', 'c'],
      ['2.5.4.6=Hans', 'c'],
      ['serialNumber=Hans', 'serialnumber'],
      ['SERIALNUMBER=Hans', 'serialnumber'],
      ['2.5.4.5=Hans', 'serialnumber'],
    ])('maps %s to the canonical type %s', (dn, type) => {
      expect([...parseDn(dn).keys()]).toEqual([type]);
    });

    it('keeps other well-formed types (lower-cased) so that matching can refuse them', () => {
      expect(parsed('O=Swisscom, OU=Trust-Services, 1.2.840.113549.1.9.1=x')).toEqual({
        o: ['Swisscom'],
        ou: ['Trust-Services'],
        '1.2.840.113549.1.9.1': ['x'],
      });
    });

    it('keeps the attributes of a multi-valued RDN as separate attributes', () => {
      expect(parsed('gn=Hans+sn=Müller, c=CH')).toEqual({ gn: ['Hans'], sn: ['Müller'], c: ['CH'] });
    });

    it('collects a repeated attribute as several values', () => {
      expect(parsed('gn=Hans, givenName=Peter')).toEqual({ gn: ['Hans', 'Peter'] });
    });
  });

  describe('errors', () => {
    it.each([
      ['an empty string', ''],
      ['blanks only', '   '],
      ['two commas in a row', 'gn=Hans,, sn=Müller'],
      ['a leading comma', ', gn=Hans'],
      ['a trailing comma', 'gn=Hans, sn=Müller,'],
      ['an empty multi-valued part', 'gn=Hans+, sn=Müller'],
      ['a missing =', 'gn Hans, sn=Müller'],
      ['a missing type', '=Hans, sn=Müller'],
      ['a missing value', 'gn=, sn=Müller'],
      ['a blank value', 'gn=   , sn=Müller'],
      ['an empty quoted value', 'gn="", sn=Müller'],
      ['a line feed', 'gn=Hans\n, sn=Müller'],
      ['a NUL character', 'gn=Hans\u0000, sn=Müller'],
      ['a C1 control character', 'gn=Hans\u0085, sn=Müller'],
      ['a hex-escaped line feed', 'gn=Hans\\0A, sn=Müller'],
      ['a hex-escaped NUL', 'gn=Hans\\00, sn=Müller'],
      ['a hex escape that is not UTF-8', 'gn=Hans\\FF, sn=Müller'],
      ['a truncated UTF-8 hex escape', 'sn=M\\C3ller'],
      ['an unterminated quote', 'cn="Müller, Hans'],
      ['a quote opened in a type', 'g"n=Hans'],
      ['a dangling escape at the end of the DN', 'gn=Hans, sn=Müller\\'],
      ['a type starting with a digit', '1gn=Hans'],
      ['a type with a space inside', 'given name=Hans'],
      ['a type with punctuation', 'gn!=Hans'],
      ['a legacy OID. prefix', 'OID.2.5.4.42=Hans'],
      ['a malformed OID', '2.5..4=Hans'],
      ['an OID with a trailing dot', '2.5.4.=Hans'],
    ])('throws a DnSyntaxError for %s', (_label, dn) => {
      expect(() => parseDn(dn)).toThrow(DnSyntaxError);
    });

    it('accepts a DN of exactly 1024 characters', () => {
      const dn = `gn=Hans, sn=${'a'.repeat(1024 - 'gn=Hans, sn='.length)}`;
      expect(dn).toHaveLength(1024);

      expect(() => parseDn(dn)).not.toThrow();
    });

    it('throws for a DN of 1025 characters, naming the limit', () => {
      const dn = `gn=Hans, sn=${'a'.repeat(1025 - 'gn=Hans, sn='.length)}`;

      expect(() => parseDn(dn)).toThrow(/1024/);
    });

    it('names the offending part in the message', () => {
      expect(() => parseDn('gn=Hans, Müller')).toThrow(/Müller/);
      expect(() => parseDn('1gn=Hans')).toThrow(/Invalid attribute type "1gn"/);
    });

    it('throws errors named DnSyntaxError', () => {
      expect(() => parseDn('gn=Hans,,')).toThrow(expect.objectContaining({ name: 'DnSyntaxError' }));
    });
  });
});

describe('normaliseName', () => {
  it.each([
    ['Müller', 'müller'],
    ['  Hans   Peter  ', 'hans peter'],
    ['Hans\u00a0Peter', 'hans peter'],
    ['Mu\u0308ller', 'müller'],
    ['ＭＵＬＬＥＲ', 'muller'],
    ['ÉLODIE', 'élodie'],
    ['ИВАН', 'иван'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it('makes a decomposed umlaut equal to the precomposed one', () => {
    expect(normaliseName('Mu\u0308ller')).toBe(normaliseName('Müller'));
  });

  it('keeps accents significant', () => {
    expect(normaliseName('Müller')).not.toBe(normaliseName('Muller'));
    expect(normaliseName('Zoë')).not.toBe(normaliseName('Zoe'));
  });

  it('reads ASCII names the same whether or not they take the shortcut (spaces, tabs, ends, case)', () => {
    // What the comparison form means: NFKC, trimmed, each run of white space one space, lower case.
    const comparisonForm = (v: string) => v.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
    const ascii = fc.string({ unit: fc.constantFrom(' ', '\t', 'a', 'Z', '.', '-', "'", '~', '!', '0') });
    fc.assert(
      fc.property(ascii, (v) => normaliseName(v) === comparisonForm(v)),
      { numRuns: 2000 },
    );
    expect(normaliseName('Hans  Peter')).toBe('hans peter');
    expect(normaliseName(' Hans')).toBe('hans');
  });
});

describe('matchDn', () => {
  describe('success', () => {
    it('matches the paper DN against the identified person', () => {
      expect(match(PAPER_DN)).toEqual({ ok: true });
    });

    it('matches with given name and surname only', () => {
      expect(match('gn=Hans, sn=Müller')).toEqual({ ok: true });
    });

    it('matches whatever the order of the attributes', () => {
      expect(match('c=CH, cn=Hans Müller, sn=Müller, gn=Hans')).toEqual({ ok: true });
    });

    it('matches with long attribute names and OIDs', () => {
      expect(match('givenName=Hans, surname=Müller, commonName=Hans Müller, countryName=CH')).toEqual({
        ok: true,
      });
      expect(match('2.5.4.42=Hans, 2.5.4.4=Müller, 2.5.4.3=Hans Müller, 2.5.4.6=CH')).toEqual({ ok: true });
    });

    it('ignores case and surplus spaces', () => {
      expect(match('gn=HANS, sn=müller, cn=  hans   MÜLLER , c=ch')).toEqual({ ok: true });
    });

    it('matches a decomposed umlaut against a precomposed one (NFC)', () => {
      expect(match('gn=Hans, sn=Mu\u0308ller, cn=Hans Mu\u0308ller')).toEqual({ ok: true });
    });

    it('matches a precomposed umlaut against a decomposed registration', () => {
      expect(match(PAPER_DN, { ...hans, familyName: 'Mu\u0308ller' })).toEqual({ ok: true });
    });

    it('matches full-width letters against their ASCII form (NFKC)', () => {
      expect(match('gn=Ｈａｎｓ, sn=Müller')).toEqual({ ok: true });
    });

    it('matches hex-escaped UTF-8 against the plain name', () => {
      expect(match('gn=Hans, sn=M\\C3\\BCller')).toEqual({ ok: true });
    });

    it('matches Cyrillic and CJK names', () => {
      const ivan: IdentifiedPerson = {
        givenName: 'Иван',
        familyName: 'Петров',
        nationalities: ['UA'],
        serialNumber: 's',
      };
      const taro: IdentifiedPerson = {
        givenName: '太郎',
        familyName: '山田',
        nationalities: ['JP'],
        serialNumber: 's',
      };

      expect(match('gn=иван, sn=ПЕТРОВ, cn=Иван Петров, c=UA', ivan)).toEqual({ ok: true });
      expect(match('gn=太郎, sn=山田, cn=太郎 山田, c=JP', taro)).toEqual({ ok: true });
    });

    it('accepts any of the person’s nationalities as country', () => {
      const dual = { ...hans, nationalities: ['DE', 'CH'] };

      expect(match('gn=Hans, sn=Müller, c=CH', dual)).toEqual({ ok: true });
      expect(match('gn=Hans, sn=Müller, c=de', dual)).toEqual({ ok: true });
    });

    it('matches the person’s serial number', () => {
      expect(match('gn=Hans, sn=Müller, serialNumber=SRS-7f3a9c01')).toEqual({ ok: true });
    });

    it('matches a multi-valued RDN', () => {
      expect(match('gn=Hans+sn=Müller, c=CH')).toEqual({ ok: true });
    });
  });

  describe('failure', () => {
    it('is accent-sensitive: Muller is not Müller', () => {
      expect(match('gn=Hans, sn=Muller')).toEqual({ ok: false, reason: 'family-name' });
    });

    it('is accent-sensitive in the common name too', () => {
      expect(match('gn=Hans, sn=Müller, cn=Hans Muller')).toEqual({ ok: false, reason: 'common-name' });
    });

    it('does not accept a transliteration (Mueller)', () => {
      expect(match('gn=Hans, sn=Mueller')).toEqual({ ok: false, reason: 'family-name' });
    });

    it('requires the given name', () => {
      expect(match('sn=Müller, cn=Hans Müller, c=CH')).toEqual({ ok: false, reason: 'missing-name' });
    });

    it('requires the surname', () => {
      expect(match('gn=Hans, cn=Hans Müller, c=CH')).toEqual({ ok: false, reason: 'missing-name' });
    });

    it('refuses a common name alone', () => {
      expect(match('cn=Hans Müller')).toEqual({ ok: false, reason: 'missing-name' });
    });

    it('refuses a different given name', () => {
      expect(match('gn=Peter, sn=Müller')).toEqual({ ok: false, reason: 'given-name' });
    });

    it('refuses a common name that is not given name and surname', () => {
      expect(match('gn=Hans, sn=Müller, cn=Peter Müller')).toEqual({ ok: false, reason: 'common-name' });
    });

    it('refuses a common name in reverse order', () => {
      expect(match('gn=Hans, sn=Müller, cn=Müller Hans')).toEqual({ ok: false, reason: 'common-name' });
    });

    it('refuses a country that is none of the nationalities', () => {
      expect(match('gn=Hans, sn=Müller, c=DE')).toEqual({ ok: false, reason: 'country' });
    });

    it('refuses a different serial number, compared exactly', () => {
      expect(match('gn=Hans, sn=Müller, serialNumber=SRS-other')).toEqual({
        ok: false,
        reason: 'serial-number',
      });
      expect(match('gn=Hans, sn=Müller, serialNumber=srs-7F3A9C01')).toEqual({
        ok: false,
        reason: 'serial-number',
      });
    });

    it.each([
      ['organisation', 'gn=Hans, sn=Müller, o=Swisscom', 'o'],
      ['organisational unit', 'gn=Hans, sn=Müller, ou=IT', 'ou'],
      ['e-mail OID', 'gn=Hans, sn=Müller, 1.2.840.113549.1.9.1=hans@example.ch', '1.2.840.113549.1.9.1'],
    ])('refuses an attribute it cannot vouch for (%s)', (_label, dn, type) => {
      expect(match(dn)).toEqual({ ok: false, reason: `unsupported:${type}` });
    });

    it.each([
      ['given name', 'gn=Hans, gn=Hans, sn=Müller'],
      ['pseudonym', 'pseudonym=Hansi, pseudonym=Hansi'],
      ['given name under its long name', 'gn=Hans, givenName=Hans, sn=Müller'],
      ['surname', 'gn=Hans, sn=Müller, sn=Müller'],
      ['common name', 'gn=Hans, sn=Müller, cn=Hans Müller, cn=Hans Müller'],
      ['country', 'gn=Hans, sn=Müller, c=CH, c=DE'],
      ['serial number', 'gn=Hans, sn=Müller, serialNumber=a, 2.5.4.5=b'],
    ])('throws a DnSyntaxError when the %s is given twice', (_label, dn) => {
      expect(() => match(dn)).toThrow(DnSyntaxError);
    });
  });
});

describe('matchDn with a pseudonym (the paper: the names show "unless a pseudonym has been chosen")', () => {
  const hansi: IdentifiedPerson = { ...hans, pseudonym: 'Hansi Signer' };

  it.each([
    ['with the country', 'pseudonym=Hansi Signer, c=CH'],
    ['alone', 'pseudonym=Hansi Signer'],
    ['in other case and spacing', 'PSEUDONYM = hansi   SIGNER , C=ch'],
    ['under its OID', '2.5.4.65=Hansi Signer, 2.5.4.6=CH'],
    ['with the pseudonym as common name', 'pseudonym=Hansi Signer, cn=Hansi Signer, c=CH'],
    ['with the serial number', 'pseudonym=Hansi Signer, c=CH, serialNumber=SRS-7f3a9c01'],
  ])('matches the chosen pseudonym %s', (_label, dn) => {
    expect(match(dn, hansi)).toEqual({ ok: true });
  });

  it('still matches the names of a person who chose a pseudonym', () => {
    expect(match(PAPER_DN, hansi)).toEqual({ ok: true });
  });

  it.each([
    ['a person who chose none', 'pseudonym=Hansi Signer, c=CH', hans, 'no-pseudonym'],
    ['another pseudonym', 'pseudonym=Hansi, c=CH', hansi, 'pseudonym'],
    [
      'the pseudonym beside the names',
      'gn=Hans, sn=Müller, pseudonym=Hansi Signer',
      hansi,
      'pseudonym-with-names',
    ],
    [
      'the pseudonym beside a given name only',
      'gn=Hans, pseudonym=Hansi Signer',
      hansi,
      'pseudonym-with-names',
    ],
    ['the real name as common name', 'pseudonym=Hansi Signer, cn=Hans Müller', hansi, 'common-name'],
    ['another country', 'pseudonym=Hansi Signer, c=DE', hansi, 'country'],
  ])('refuses %s', (_label, dn, person, reason) => {
    expect(match(dn, person)).toEqual({ ok: false, reason });
  });
});

describe('distinguishedNameFor (the name a registration signs under, told in the status answer)', () => {
  it('writes the paper’s DN for the paper’s person', () => {
    expect(distinguishedNameFor(hans)).toBe(PAPER_DN);
  });

  it('names the pseudonym instead of the names, and the first nationality as the country', () => {
    expect(distinguishedNameFor({ ...hans, nationalities: ['de', 'CH'], pseudonym: 'Der Signierer' })).toBe(
      'pseudonym=Der Signierer, cn=Der Signierer, c=DE',
    );
  });

  it('escapes what RFC 4514 reserves, so that the name reads back as written', () => {
    const person = { ...hans, givenName: ' #Hans, Jr.', familyName: 'Mü+ller; "x" <y> \\ ' };

    const dn = distinguishedNameFor(person);

    expect(dn).toBe(
      'gn=\\20#Hans\\, Jr., sn=Mü\\+ller\\; \\"x\\" \\<y\\> \\\\\\20, cn=\\20#Hans\\, Jr. Mü\\+ller\\; \\"x\\" \\<y\\> \\\\\\20, c=CH',
    );
    expect(parsed(dn)).toEqual({
      gn: [' #Hans, Jr.'],
      sn: ['Mü+ller; "x" <y> \\ '],
      cn: [' #Hans, Jr. Mü+ller; "x" <y> \\ '],
      c: ['CH'],
    });
  });

  it('writes white space the parser would trim at a value’s ends, and a leading #, as hex escapes', () => {
    expect(distinguishedNameFor({ ...hans, givenName: '\u00A0Anna', familyName: 'B\u3000' })).toBe(
      'gn=\\c2\\a0Anna, sn=B\\e3\\80\\80, cn=\\c2\\a0Anna B\\e3\\80\\80, c=CH',
    );
    expect(distinguishedNameFor({ ...hans, givenName: '#', familyName: 'x' })).toBe(
      'gn=\\23, sn=x, cn=\\23 x, c=CH',
    );
  });

  it('is a DN the verify call takes and matches to the person, whatever the names', () => {
    // Names as the evidence may hold them, and worse: any text, in any script, with any of RFC 4514's
    // special characters, but none of the characters free text never has (the verify call's SAFE_TEXT).
    const name = fc
      .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
      .filter((n) => n.trim() !== '' && !/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(n));
    fc.assert(
      fc.property(
        name,
        name,
        fc.option(name, { nil: undefined }),
        fc.array(fc.constantFrom('CH', 'DE', 'AT', 'FR'), { minLength: 1, maxLength: 3 }),
        (givenName, familyName, pseudonym, nationalities) => {
          const person: IdentifiedPerson = {
            givenName,
            familyName,
            nationalities,
            serialNumber: 'SRS-1',
            pseudonym,
          };
          const dn = distinguishedNameFor(person);
          expect(matchDn(parseDn(dn), person)).toEqual({ ok: true });
          expect(parseDn(dn).get(pseudonym === undefined ? 'gn' : 'pseudonym')).toEqual([
            pseudonym ?? givenName,
          ]);
          expect(dn.length).toBeLessThanOrEqual(1024);
          expect(
            VerifyRequest.safeParse({
              msisdn: '41791234567',
              claimedIdentity: 'x',
              assuranceLevel: 4,
              distinguishedName: dn,
            }).success,
          ).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the longest name distinguishedNameFor writes', () => {
  // The published bound (docs/openapi.json, IdentificationStatus.distinguishedName.maxLength),
  // worked out by hand from the rules of the names: four person names of at most 100 code points
  // (gn, sn, and both again in cn) and a two-letter country, with `gn=`, `, sn=`, `, cn=`, ` ` and
  // `, c=` between them: 4 × 100 + 18 + 2.
  const PUBLISHED_MAX = 420;
  const openapi = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
  const codePoints = (text: string) => [...text].length;

  // Person names of the most code points the rule takes, from several scripts, astral letters and
  // combining marks among them (two UTF-16 units or a mark per code point), and every punctuation
  // mark the rule lets in.
  const letter = fc.constantFrom('a', 'Z', 'é', 'ß', 'Ж', 'ש', '中', 'ǅ', '𝐀', '𠀀');
  const inner = fc.oneof(letter, fc.constantFrom('\u0301', ' ', "'", '\u2019', '-', '.'));
  const last = fc.oneof(letter, fc.constantFrom('\u0301', '.'));
  const longestName = fc
    .tuple(letter, fc.array(inner, { minLength: 98, maxLength: 98 }), last)
    .map(([first, middle, end]) => [first, ...middle, end].join(''));

  it('is the bound the OpenAPI document publishes', () => {
    expect(openapi.components.schemas.IdentificationStatus.properties.distinguishedName.maxLength).toBe(
      PUBLISHED_MAX,
    );
    expect(IdentificationStatusDn.safeParse('x'.repeat(PUBLISHED_MAX + 1)).success).toBe(false);
  });

  it('stays within it for the longest names the evidence and the terms page take, and reaches it', () => {
    const a100 = 'a'.repeat(100);
    expect(
      codePoints(distinguishedNameFor({ givenName: a100, familyName: a100, nationalities: ['CH'] })),
    ).toBe(PUBLISHED_MAX);
    fc.assert(
      fc.property(
        longestName,
        longestName,
        fc.option(longestName, { nil: undefined }),
        fc.array(fc.constantFrom('CH', 'DE', 'ch'), { minLength: 1, maxLength: 5 }),
        (givenName, familyName, pseudonym, nationalities) => {
          for (const name of [givenName, familyName, pseudonym ?? givenName]) {
            expect(codePoints(name)).toBe(100);
            expect(personName.safeParse(name).success).toBe(true);
          }
          const person = { givenName, familyName, nationalities, pseudonym };
          const dn = distinguishedNameFor(person);
          expect(codePoints(dn)).toBeLessThanOrEqual(PUBLISHED_MAX);
          expect(IdentificationStatusDn.safeParse(dn).success).toBe(true);
          // The SP asks the verify call about it as it stands.
          expect(matchDn(parseDn(dn), { ...person, serialNumber: 'SRS-1' })).toEqual({ ok: true });
        },
      ),
      { numRuns: 300 },
    );
  });
});
