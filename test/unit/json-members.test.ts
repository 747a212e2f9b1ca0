/**
 * The scanner that finds a member name given twice in one object (core/json-members.ts), which
 * isp-message.ts asks before it trusts a partner's header or payload.
 */
import { describe, expect, it } from 'vitest';
import { repeatedMember } from '../../lambdas/core/json-members.js';

/** The scanner's answer for `text`, which must be JSON (the scanner's precondition). */
function scan(text: string) {
  JSON.parse(text);
  return repeatedMember(text);
}

describe('repeatedMember', () => {
  it.each([
    ['at the top level', '{"given_name":"A","given_name":"B"}', 'given_name', []],
    [
      'in a nested object',
      '{"evidence":{"verified_claims":{"claims":{"given_name":"A","family_name":"M","given_name":"B"}}}}',
      'given_name',
      ['evidence', 'verified_claims', 'claims'],
    ],
    ['written once plainly and once escaped', '{"a":1,"\\u0061":2}', 'a', []],
    ['escaped both times, differently', '{"\\u0067iven":1,"g\\u0069ven":2}', 'given', []],
    ['with an escaped quote in it', '{"a\\"b":1,"a\\u0022b":2}', 'a"b', []],
    [
      'in an object inside an array',
      '{"evidence":[{"type":"document"},{"type":"document","type":"x"}]}',
      'type',
      ['evidence', 1],
    ],
    ['in an array of arrays of objects', '[[1,{"x":[]}],[{"y":{},"y":[]}]]', 'y', [1, 0]],
    ['after a nested object closes', '{"a":{"b":1},"c":2,"a":3}', 'a', []],
    ['named __proto__', '{"__proto__":1,"__proto__":2}', '__proto__', []],
    ['with whitespace between the tokens', '{ "a" : 1 ,\n\t"a" : 2 }', 'a', []],
  ])('finds a name given twice %s', (_case, text, name, path) => {
    expect(scan(text)).toEqual({ name, path });
  });

  it.each([
    [
      'one name per object, the same name in sibling objects',
      '{"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]}',
    ],
    ['a name equal to a value', '{"a":"a","b":"a"}'],
    [
      'strings holding braces, commas, colons and quotes',
      '{"a":"{\\"a\\":1,","b":"},[\\"a\\"]","c":["a","a"]}',
    ],
    [
      'names differing only by case or escapes of other characters',
      '{"a":1,"A":2,"\\u0062":3,"\\\\u0061":4}',
    ],
    ['an array, a string, a number', '[{"a":1},{"a":2}]'],
    ['an empty object and array', '{"a":{},"b":[],"c":[{}]}'],
  ])('finds nothing in %s', (_case, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('finds nothing in a large valid document, and the one repeated name added to it', () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({
      id: i,
      name: `item-${i}`,
      tags: ['a', 'b'],
      nested: { x: i, y: { z: `"${i}"\\` } },
    }));
    const text = JSON.stringify({ items, total: items.length });
    expect(text.length).toBeGreaterThan(100_000);
    expect(scan(text)).toBeUndefined();
    const repeated = `${text.slice(0, -1)},"total":0}`;
    expect(scan(repeated)).toEqual({ name: 'total', path: [] });
  });
});
