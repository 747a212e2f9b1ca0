import * as S from '../core/schemas.js';
import * as z from '../core/zod.js';
import { hasPropertyClass, portablePattern } from './portable-pattern.js';

function jsonSchema(schema: z.ZodMiniType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

/**
 * `#/$defs/X` → `#/components/schemas/X` anywhere in a schema, and a pattern with Unicode property
 * classes → a reference to a component holding its portable spelling (some are 17 KB: each is
 * published once) with the original in `x-unicode-pattern`.
 */
function forTools(schema: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => forTools(s, components));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  const allOf: unknown[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace(/^#\/\$defs\//, '#/components/schemas/');
    } else if (key === 'pattern' && typeof value === 'string' && hasPropertyClass(value)) {
      allOf.push({ $ref: `#/components/schemas/${portablePatternComponent(value, components)}` });
    } else {
      out[key] = forTools(value, components);
    }
  }
  if (allOf.length) out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), ...allOf];
  return out;
}

const KNOWN_PATTERNS: Record<string, string> = {
  [S.SAFE_TEXT.source]: 'SafeTextPattern',
  [S.PERSON_NAME.source]: 'PersonNamePattern',
};

function portablePatternComponent(pattern: string, components: Record<string, unknown>): string {
  const existing = Object.entries(components).find(
    ([, c]) => (c as Record<string, unknown>)['x-unicode-pattern'] === pattern,
  );
  if (existing) return existing[0];
  const name =
    KNOWN_PATTERNS[pattern] ??
    `UnicodePattern${Object.keys(components).filter((k) => k.startsWith('UnicodePattern')).length + 1}`;
  components[name] = {
    type: 'string',
    pattern: portablePattern(pattern),
    'x-unicode-pattern': pattern,
    description:
      'The service checks `x-unicode-pattern` (Unicode property classes); `pattern` is the same rule spelt out for the Basic Multilingual Plane, for tools without Unicode classes.',
  };
  return name;
}

/** Moves named schemas (metadata with an `id`) into components and points at them. */
export function collect(schema: z.ZodMiniType, components: Record<string, unknown>): unknown {
  const {
    $defs,
    $schema: _s,
    ...rest
  } = jsonSchema(schema) as {
    $defs?: Record<string, unknown>;
    $schema?: string;
  } & Record<string, unknown>;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = forTools(def, components);
  return forTools(rest, components);
}
