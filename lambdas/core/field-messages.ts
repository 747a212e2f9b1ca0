/**
 * The words of every field error a schema gives without a message of its own: zod's error map,
 * set once in zod.ts for both runtimes (and every schema: requests, partner messages, the service
 * configuration). A caller reads them in a 400's `errors`, beside the field's name, so each says
 * plainly what is wrong and what the field must be — `Required: a string of 1 to 1024 characters.`,
 * `Must be a string, not null.`, `Must not be empty.` — in place of zod's own English
 * ("Invalid input: expected string, received undefined"), which names its internals.
 *
 * A rule with a message of its own (`z.regex(…, { error })`) keeps it; a rule whose message also
 * answers a missing field (a union's, an email's) takes `mustBe`, which says Required then.
 * Pure, and reads zod's schemas through their definitions only: it imports nothing of zod's.
 */

/** The part of a zod schema or check this module reads: its definition. */
interface ZodNode {
  _zod: {
    def: {
      type?: string;
      check?: string;
      format?: string;
      checks?: ZodNode[];
      error?: (issue: { code: string; input: unknown }) => unknown;
      minimum?: number;
      maximum?: number;
      length?: number;
      value?: unknown;
      inclusive?: boolean;
      entries?: Record<string, unknown>;
      values?: unknown[];
      options?: ZodNode[];
      innerType?: ZodNode;
      in?: ZodNode;
      getter?: () => ZodNode;
      items?: ZodNode[];
      rest?: ZodNode | null;
    };
  };
}

/** The part of zod's issue (as it reaches an error map) this module reads. */
export interface RawIssue {
  code?: string;
  input?: unknown;
  inst?: unknown;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
  values?: unknown[];
  options?: unknown[];
  keys?: string[];
  format?: string;
  pattern?: string;
  prefix?: string;
  suffix?: string;
  includes?: string;
  divisor?: number | bigint;
  /** A discriminated union's tag, whose issue carries the whole object as its input. */
  discriminator?: string;
}

/** A field's error when it is missing: what it must be, then a rule's own words for it if any. */
export function requiredMessage(what: string, rule?: string): string {
  return rule === undefined ? `Required: ${what}.` : `Required: ${what}. ${rule}`;
}

/**
 * A rule's message that answers a missing field too (for a union, a format whose message is its
 * own): `Required: <what>.` when the field is missing, `Must be <what>.` otherwise.
 */
export const mustBe = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? requiredMessage(what) : `Must be ${what}.`,
});

const FORMATS: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  guid: 'a UUID',
  date: 'a date, YYYY-MM-DD',
  datetime: 'a date and time, ISO 8601 (e.g. 2026-11-30T12:00:00Z)',
  time: 'a time of day, HH:MM[:SS]',
  duration: 'an ISO 8601 duration',
  e164: 'an E.164 number',
  base64: 'base64 text',
  base64url: 'base64url text',
  jwt: 'a JWT',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

const quoted = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

/** `"a", "b" or "c"`. */
function oneOf(values: readonly unknown[]): string {
  const words = values.map(quoted);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;

/** `of 1 to 10 characters`, `of up to 10 characters`, … (empty without bounds). */
function sizeWords(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined)
    return min === max ? ` of ${plural(max, unit)}` : ` of ${min} to ${plural(max, unit)}`;
  if (max !== undefined) return ` of up to ${plural(max, unit)}`;
  if (min !== undefined) return ` of at least ${plural(min, unit)}`;
  return '';
}

function isNode(value: unknown): value is ZodNode {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/** The schema's own bounds and format, read from its checks (a format schema is its own first check). */
function bounds(node: ZodNode) {
  const found: {
    min?: number;
    max?: number;
    format?: string;
    exclusiveMin?: boolean;
    exclusiveMax?: boolean;
  } = {};
  for (const check of [node, ...(node._zod.def.checks ?? [])]) {
    const def = check._zod.def;
    switch (def.check) {
      case 'min_length':
      case 'min_size':
        found.min = Math.max(found.min ?? 0, def.minimum ?? 0);
        break;
      case 'max_length':
      case 'max_size':
        found.max = Math.min(found.max ?? Number.POSITIVE_INFINITY, def.maximum ?? Number.POSITIVE_INFINITY);
        break;
      case 'length_equals':
        found.min = def.length;
        found.max = def.length;
        break;
      case 'greater_than':
        if (typeof def.value === 'number') {
          found.min = def.value;
          found.exclusiveMin = !def.inclusive;
        }
        break;
      case 'less_than':
        if (typeof def.value === 'number') {
          found.max = def.value;
          found.exclusiveMax = !def.inclusive;
        }
        break;
      case 'string_format':
      case 'number_format':
        found.format ??= def.format;
        break;
    }
  }
  return found;
}

/** What a value of this schema is, in words: `a string of 1 to 64 characters`, `one of "de" or "en"`. */
export function describeSchema(node: ZodNode): string {
  const def = node._zod.def;
  switch (def.type) {
    case 'string': {
      const { min, max, format } = bounds(node);
      const formatWords = format === undefined || format === 'regex' ? undefined : FORMATS[format];
      if (formatWords !== undefined)
        return max === undefined ? formatWords : `${formatWords} of up to ${plural(max, 'character')}`;
      if (min === 1 && max === undefined) return 'a non-empty string';
      return `a string${sizeWords(min, max, 'character')}`;
    }
    case 'number': {
      const { min, max, format, exclusiveMin, exclusiveMax } = bounds(node);
      const whole = format?.includes('int') === true;
      const noun = whole ? 'a whole number' : 'a number';
      // An integer format's own range (±2^53) is no bound a caller needs to read.
      const shownMin =
        min !== undefined && Number.isSafeInteger(min) && Math.abs(min) < 2 ** 52 ? min : undefined;
      const shownMax =
        max !== undefined && Number.isSafeInteger(max) && Math.abs(max) < 2 ** 52 ? max : undefined;
      if (shownMin !== undefined && shownMax !== undefined && !exclusiveMin && !exclusiveMax)
        return `${noun} from ${shownMin} to ${shownMax}`;
      const parts = [
        shownMin === undefined ? '' : exclusiveMin ? ` greater than ${shownMin}` : ` of at least ${shownMin}`,
        shownMax === undefined ? '' : exclusiveMax ? ` less than ${shownMax}` : ` of at most ${shownMax}`,
      ].filter(Boolean);
      return noun + parts.join(' and');
    }
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
    case 'record':
      return 'an object';
    case 'tuple': {
      const items = def.items?.length ?? 0;
      return def.rest
        ? `an array of at least ${plural(items, 'item')}`
        : `an array of ${plural(items, 'item')}`;
    }
    case 'array': {
      const { min, max } = bounds(node);
      return `an array${sizeWords(min, max, 'item')}`;
    }
    case 'enum':
      return `one of ${oneOf(Object.values(def.entries ?? {}))}`;
    case 'literal':
      return oneOf(def.values ?? []);
    case 'union': {
      const options = (def.options ?? []).map(describeSchema);
      if (options.length === 0) return 'a value';
      return options.length === 1
        ? (options[0] as string)
        : `${options.slice(0, -1).join(', ')} or ${options.at(-1)}`;
    }
    case 'optional':
    case 'nonoptional':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return def.innerType ? describeSchema(def.innerType) : 'a value';
    case 'nullable':
      return def.innerType ? `${describeSchema(def.innerType)} or null` : 'a value';
    case 'pipe':
      return def.in ? describeSchema(def.in) : 'a value';
    case 'lazy':
      return def.getter ? describeSchema(def.getter()) : 'a value';
    default:
      return 'a value';
  }
}

/**
 * The first of the schema's checks with its own message that says what the value must be
 * ("Must be an E.164 number: …"): told to a caller who left the field out, who has not met it yet.
 */
function ruleOf(node: ZodNode): string | undefined {
  for (const check of node._zod.def.checks ?? []) {
    let said: unknown;
    try {
      // A message given as text is a function of no issue (zod wraps it); one that reads the issue
      // may not expect this one, and then has nothing to add.
      said = check._zod.def.error?.({ code: 'custom', input: '' });
    } catch {
      continue;
    }
    const message = typeof said === 'string' ? said : (said as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && message.startsWith('Must be ')) return message;
  }
  return undefined;
}

/** What a caller sent in place of the value, in words (a number or boolean as itself; never a string's text). */
function sent(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  switch (typeof input) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isFinite(input) ? `the number ${input}` : String(input);
    case 'boolean':
      return String(input);
    case 'object':
      return 'an object';
    case 'bigint':
      return 'a big integer';
    default:
      return `a ${typeof input}`;
  }
}

/** What the issue's `expected` type is, in words, when the schema that raised it is not at hand. */
function expectedWords(expected: string | undefined): string {
  switch (expected) {
    case 'int':
    case 'safeint':
    case 'int32':
    case 'uint32':
      return 'a whole number';
    case 'object':
    case 'array':
      return `an ${expected}`;
    case 'boolean':
      return 'true or false';
    case 'null':
    case undefined:
      return expected ?? 'a value';
    default:
      return `a ${expected}`;
  }
}

function tooSmall(issue: RawIssue): string {
  const min = issue.minimum ?? 0;
  switch (issue.origin) {
    case 'string':
      if (issue.exact) return `Must be exactly ${plural(min, 'character')} long.`;
      return min === 1 && issue.inclusive !== false
        ? 'Must not be empty.'
        : `Must be at least ${plural(min, 'character')} long.`;
    case 'array':
    case 'set':
      if (issue.exact) return `Must hold exactly ${plural(min, 'item')}.`;
      return min === 1 ? 'Must hold at least one item.' : `Must hold at least ${plural(min, 'item')}.`;
    default:
      return issue.inclusive === false ? `Must be greater than ${min}.` : `Must be at least ${min}.`;
  }
}

function tooBig(issue: RawIssue): string {
  const max = issue.maximum ?? 0;
  switch (issue.origin) {
    case 'string':
      return issue.exact
        ? `Must be exactly ${plural(max, 'character')} long.`
        : `Must be at most ${plural(max, 'character')} long.`;
    case 'array':
    case 'set':
      return issue.exact
        ? `Must hold exactly ${plural(max, 'item')}.`
        : `Must hold at most ${plural(max, 'item')}.`;
    case 'file':
      return `Must be at most ${plural(max, 'byte')}.`;
    default:
      return issue.inclusive === false ? `Must be less than ${max}.` : `Must be at most ${max}.`;
  }
}

function badFormat(issue: RawIssue): string {
  switch (issue.format) {
    case 'starts_with':
      return `Must start with "${issue.prefix}".`;
    case 'ends_with':
      return `Must end with "${issue.suffix}".`;
    case 'includes':
      return `Must contain "${issue.includes}".`;
    case 'regex':
      return `Must match the pattern ${issue.pattern}.`;
    default:
      return `Must be ${FORMATS[issue.format ?? ''] ?? `a valid ${issue.format}`}.`;
  }
}

/** zod's error map (`localeError`): the message of an issue whose rule gave none of its own. */
export function fieldMessage(issue: RawIssue): string {
  const schema = isNode(issue.inst) && issue.inst._zod.def.type !== undefined ? issue.inst : undefined;
  switch (issue.code) {
    case 'invalid_type': {
      const what = schema ? describeSchema(schema) : expectedWords(issue.expected);
      if (issue.input === undefined) return requiredMessage(what, schema && ruleOf(schema));
      return `Must be ${what}, not ${sent(issue.input)}.`;
    }
    case 'invalid_value': {
      const what = oneOf(issue.values ?? []);
      const words = (issue.values?.length ?? 0) > 1 ? `one of ${what}` : what;
      return issue.input === undefined ? requiredMessage(words) : `Must be ${words}.`;
    }
    case 'invalid_union': {
      if (Array.isArray(issue.options) && issue.options.length > 0) {
        const words = `one of ${oneOf(issue.options)}`;
        const tag =
          issue.discriminator !== undefined && typeof issue.input === 'object' && issue.input !== null
            ? (issue.input as Record<string, unknown>)[issue.discriminator]
            : issue.input;
        return tag === undefined ? requiredMessage(words) : `Must be ${words}.`;
      }
      const what = schema ? describeSchema(schema) : 'one of the forms this field takes';
      return issue.input === undefined ? requiredMessage(what) : `Must be ${what}.`;
    }
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return badFormat(issue);
    case 'not_multiple_of':
      return `Must be a multiple of ${issue.divisor}.`;
    case 'unrecognized_keys':
      return (issue.keys?.length ?? 0) > 1
        ? `Unknown fields: ${issue.keys?.join(', ')}.`
        : `Unknown field: ${issue.keys?.[0]}.`;
    case 'invalid_key':
      return 'Must hold valid keys only.';
    case 'invalid_element':
      return 'Must hold valid values only.';
    default:
      return 'Invalid value.';
  }
}
