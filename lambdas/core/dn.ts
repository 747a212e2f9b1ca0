/**
 * Distinguished names as SPs send them in the verify call (`gn=Hans, sn=Müller, cn=Hans Müller, c=CH`).
 * Parsing follows RFC 4514 where it matters here: `\,` and `\XX` escapes, quoted values, spaces around
 * separators, case-insensitive attribute types with their long names. Multi-valued RDNs (`+`) are kept
 * as separate attributes. A backslash escapes only what RFC 4514 §3 lets it (a special character or
 * two hex digits), and a `#` hexstring value is refused: see parseDn.
 */

import { PERSON_NAME_MAX } from './person-patterns.js';

export type DnAttributes = Map<string, string[]>;

const ALIASES: Record<string, string> = {
  givenname: 'gn',
  g: 'gn',
  surname: 'sn',
  commonname: 'cn',
  countryname: 'c',
  '2.5.4.65': 'pseudonym',
  '2.5.4.42': 'gn',
  '2.5.4.4': 'sn',
  '2.5.4.3': 'cn',
  '2.5.4.6': 'c',
  '2.5.4.5': 'serialnumber',
};

export class DnSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnSyntaxError';
  }
}

/** The most characters a distinguished name may have (the verify request's limit too). */
export const MAX_DN_LENGTH = 1024;

/** The types matchDn knows, each its own canonical name: read without the type pattern. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(['gn', 'sn', 'cn', 'c', 'serialnumber', 'pseudonym']);

function canonicalType(raw: string): string {
  const t = raw.trim().toLowerCase();
  if (KNOWN_TYPES.has(t)) return t;
  if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(t))
    throw new DnSyntaxError(`Invalid attribute type "${raw.trim()}".`);
  return ALIASES[t] ?? t;
}

/** What RFC 4514 §3 lets a backslash escape besides two hex digits (`escaped`, space, `#`, `=`, `\`). */
const ESCAPABLE = '\\"+,;<>= #';

/** Decodes `\XX` hex pairs (UTF-8 bytes) and `\c` escapes of one attribute value. */
function unescapeValue(raw: string): string {
  if (!raw.includes('\\')) return raw;
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) {
      try {
        out += new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
      } catch {
        throw new DnSyntaxError('Hex escapes must encode UTF-8.');
      }
      bytes.length = 0;
    }
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\') {
      flush();
      out += ch;
      continue;
    }
    const next = raw.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(next)) {
      bytes.push(Number.parseInt(next, 16));
      i += 2;
    } else if (i + 1 >= raw.length) {
      throw new DnSyntaxError('Dangling escape at the end of a value.');
    } else if (ESCAPABLE.includes(raw[i + 1] as string)) {
      flush();
      out += raw[i + 1];
      i += 1;
    } else {
      // `\z` is no escape RFC 4514 knows: reading it as `z` would take a DN the SP's CA may read
      // otherwise (or refuse), and answer its verify call about another name than the one sent.
      throw new DnSyntaxError(
        'A backslash must be followed by one of \\ " + , ; < > = # or a space, or by two hex digits.',
      );
    }
  }
  flush();
  return out;
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
/** Between relative distinguished names: `,` (or the older `;`). */
const isRdnSeparator = (code: number) => code === 0x2c || code === 0x3b;
/** Between the attributes of a multi-valued one: `+`. */
const isAvaSeparator = (code: number) => code === 0x2b;

/**
 * Splits on an unescaped, unquoted separator; escapes and quotes stay in the parts, as written.
 * Reads UTF-16 code units (every separator, quote and backslash is one): the verify call splits
 * each name twice, so no one-character string is made per character.
 */
function splitTop(input: string, isSeparator: (code: number) => boolean): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === BACKSLASH) {
      i += 1;
    } else if (code === QUOTE) {
      quoted = !quoted;
    } else if (!quoted && isSeparator(code)) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw new DnSyntaxError('Unterminated quoted value.');
  parts.push(input.slice(start));
  return parts;
}

// Unicode's category Cc (stable by Unicode's policy) as ranges, not `\p{Cc}`: V8 builds a
// literal's property classes when it parses the bundle. One constant: built once, not per call.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it finds.
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/u;

export function parseDn(dn: string): DnAttributes {
  if (dn.length > MAX_DN_LENGTH) throw new DnSyntaxError(`Distinguished name longer than ${MAX_DN_LENGTH}.`);
  if (CONTROL_CHARACTER.test(dn)) throw new DnSyntaxError('Control characters are not allowed.');
  const attributes: DnAttributes = new Map();
  const rdns = splitTop(dn, isRdnSeparator);
  for (const rdn of rdns) {
    if (rdn.trim() === '') throw new DnSyntaxError('Empty relative distinguished name.');
    for (const ava of splitTop(rdn, isAvaSeparator)) {
      const eq = ava.indexOf('=');
      if (eq <= 0) throw new DnSyntaxError(`Expected type=value in "${ava.trim()}".`);
      const type = canonicalType(ava.slice(0, eq));
      const untrimmed = ava.slice(eq + 1).trimStart();
      let rawValue = untrimmed.trimEnd();
      // A trailing escaped space (`\ `) loses its space to trim: put it back. An odd run of trailing
      // backslashes ends in an escape; an even run is escaped backslashes; a lone `\` at the end dangles.
      const trailingBackslashes = rawValue.endsWith('\\') ? (/\\+$/.exec(rawValue)?.[0] ?? '').length : 0;
      if (trailingBackslashes % 2 === 1 && untrimmed.length > rawValue.length) {
        rawValue += untrimmed[rawValue.length];
      }
      if (rawValue.startsWith('#')) {
        // RFC 4514's hexstring: the BER encoding of the value (`#0C0448616E73`), meant for attribute
        // types without a string form. Names have one; decoding BER to compare it with a name is no
        // part of this parser, and reading `#…` as the literal text would answer a verify call about
        // a name no certificate will show. So a hexstring is refused, well-formed or not; a value
        // that starts with a literal `#` is written `\#`.
        throw new DnSyntaxError(
          /^#(?:[0-9a-fA-F]{2})+$/.test(rawValue)
            ? `Hex-encoded (#) values are not supported for "${type}": write the value as a string.`
            : `Malformed hex-encoded (#) value for "${type}": write the value as a string.`,
        );
      }
      let value: string;
      if (rawValue.startsWith('"') && rawValue.endsWith('"') && rawValue.length >= 2) {
        value = unescapeValue(rawValue.slice(1, -1));
      } else {
        value = unescapeValue(rawValue);
      }
      if (value.trim() === '') throw new DnSyntaxError(`Empty value for "${type}".`);
      // Hex escapes must not smuggle in what the raw text may not contain (a value without a
      // backslash is part of the text tested above).
      if (rawValue.includes('\\') && CONTROL_CHARACTER.test(value))
        throw new DnSyntaxError('Control characters are not allowed.');
      const list = attributes.get(type) ?? [];
      list.push(value);
      attributes.set(type, list);
    }
  }
  return attributes;
}

/** What `parseDn` reads in the name; undefined for a name it refuses. */
export function parseDnOrUndefined(dn: string): DnAttributes | undefined {
  try {
    return parseDn(dn);
  } catch {
    return undefined;
  }
}

/** Whether `parseDn` reads the name (the verify request's rule for it, beside length and SAFE_TEXT). */
export function isParsableDn(dn: string): boolean {
  return parseDnOrUndefined(dn) !== undefined;
}

/**
 * Case-, width- and spacing-insensitive comparison form; accents stay significant (Müller ≠ Muller).
 * `toLowerCase` is Unicode's default case mapping, the same as `toLocaleLowerCase('und')` for every
 * code point (the root locale has no special rules) at a fraction of the cost: the verify call
 * compares four names.
 */
export function normaliseName(value: string): string {
  // Printable ASCII words with single spaces between them (most names) are their own NFKC form,
  // trimmed and spaced already: one test instead of the normaliser and a replace.
  if (PLAIN_ASCII_WORDS.test(value)) return value.toLowerCase();
  return value.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

const PLAIN_ASCII_WORDS = /^[\x21-\x7E]+(?: [\x21-\x7E]+)*$/;

export interface IdentifiedPerson {
  givenName: string;
  familyName: string;
  /** ISO 3166-1 alpha-2 nationalities. */
  nationalities: string[];
  serialNumber: string;
  /** The pseudonym the person chose, if any. */
  pseudonym?: string | undefined;
}

export type DnMatch = { ok: true } | { ok: false; reason: string };

const single = (attrs: DnAttributes, type: string): string | undefined => {
  const v = attrs.get(type);
  if (!v) return undefined;
  if (v.length > 1) throw new DnSyntaxError(`Attribute "${type}" given more than once.`);
  return v[0];
};

/**
 * Whether the DN the SP will put in the certificate describes the identified person. Given and
 * family name are required — or, for a person who chose one, the pseudonym instead of them (the
 * paper: the signature shows the names and home country "unless a pseudonym has been chosen").
 * Common name, country and serial number are checked when present; any other attribute cannot be
 * vouched for and fails the match. The reason is for logs and tests only: the verify call never
 * reveals it.
 */
export function matchDn(attrs: DnAttributes, person: IdentifiedPerson): DnMatch {
  for (const type of attrs.keys())
    if (!KNOWN_TYPES.has(type)) return { ok: false, reason: `unsupported:${type}` };
  const pseudonym = single(attrs, 'pseudonym');
  let shownName: string;
  if (pseudonym !== undefined) {
    // A pseudonym stands instead of the names, never beside them.
    if (attrs.has('gn') || attrs.has('sn')) return { ok: false, reason: 'pseudonym-with-names' };
    if (person.pseudonym === undefined) return { ok: false, reason: 'no-pseudonym' };
    if (normaliseName(pseudonym) !== normaliseName(person.pseudonym))
      return { ok: false, reason: 'pseudonym' };
    shownName = person.pseudonym;
  } else {
    const gn = single(attrs, 'gn');
    const sn = single(attrs, 'sn');
    if (gn === undefined || sn === undefined) return { ok: false, reason: 'missing-name' };
    if (normaliseName(gn) !== normaliseName(person.givenName)) return { ok: false, reason: 'given-name' };
    if (normaliseName(sn) !== normaliseName(person.familyName)) return { ok: false, reason: 'family-name' };
    shownName = `${person.givenName} ${person.familyName}`;
  }
  const cn = single(attrs, 'cn');
  if (cn !== undefined && normaliseName(cn) !== normaliseName(shownName)) {
    return { ok: false, reason: 'common-name' };
  }
  const c = single(attrs, 'c');
  if (c !== undefined && !person.nationalities.some((n) => n.toUpperCase() === c.trim().toUpperCase())) {
    return { ok: false, reason: 'country' };
  }
  const serial = single(attrs, 'serialnumber');
  if (serial !== undefined && serial.trim() !== person.serialNumber)
    return { ok: false, reason: 'serial-number' };
  return { ok: true };
}

/** RFC 4514 §2.4: the characters a backslash escapes anywhere in a value. */
const DN_SPECIAL = /["+,;<>\\]/g;

/** `\XX` for each UTF-8 byte of a character. */
const hexEscaped = (ch: string): string =>
  [...new TextEncoder().encode(ch)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

function escapeDnValue(value: string): string {
  const chars = [...value.replace(DN_SPECIAL, (ch) => `\\${ch}`)];
  // parseDn trims what JavaScript calls white space around a value (no-break spaces too) and reads
  // a leading `#` as a hexstring: at the ends, those are written as hex escapes.
  const first = chars[0];
  if (first !== undefined && /[\s#]/u.test(first)) chars[0] = hexEscaped(first);
  const last = chars.length > 1 ? chars[chars.length - 1] : undefined;
  if (last !== undefined && /\s/u.test(last)) chars[chars.length - 1] = hexEscaped(last);
  return chars.join('');
}

/**
 * The longest name distinguishedNameFor writes, in code points (as JSON Schema's maxLength and zod
 * count), from the rules of what it is built from. The names and the pseudonym are person names
 * (person-fields.ts personNameRule: at most PERSON_NAME_MAX code points, a letter first, a letter,
 * mark or dot last, and none of RFC 4514's specials), so escapeDnValue never lengthens them; the
 * country is a nationality, two letters (evidence.ts).
 *   names:     `gn=` 3 + 100 + `, sn=` 5 + 100 + `, cn=` 5 + 100 + ` ` 1 + 100 + `, c=` 4 + 2 = 420
 *   pseudonym: `pseudonym=` 10 + 100 + `, cn=` 5 + 100 + `, c=` 4 + 2 = 221
 */
export const DISTINGUISHED_NAME_MAX = 'gn=, sn=, cn= , c='.length + 4 * PERSON_NAME_MAX + 2;

/**
 * The distinguished name a registration signs under, in the paper's form
 * (`gn=Hans, sn=Müller, cn=Hans Müller, c=CH`): the names as the partner identified them — or the
 * pseudonym the person chose instead of them — and the first nationality as the home country. The
 * verify call matches it (matchDn), so an SP that sent the names written otherwise learns the
 * name to sign with from the status answer instead of a negative verify.
 */
export function distinguishedNameFor(person: Omit<IdentifiedPerson, 'serialNumber'>): string {
  const parts =
    person.pseudonym !== undefined
      ? [`pseudonym=${escapeDnValue(person.pseudonym)}`, `cn=${escapeDnValue(person.pseudonym)}`]
      : [
          `gn=${escapeDnValue(person.givenName)}`,
          `sn=${escapeDnValue(person.familyName)}`,
          `cn=${escapeDnValue(`${person.givenName} ${person.familyName}`)}`,
        ];
  const country = person.nationalities[0];
  if (country !== undefined) parts.push(`c=${escapeDnValue(country.toUpperCase())}`);
  return parts.join(', ');
}
