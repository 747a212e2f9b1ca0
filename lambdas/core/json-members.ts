/**
 * JSON text whose objects name each member once. RFC 8259 §4 leaves a repeated name to the parser:
 * JSON.parse keeps the last value, other parsers the first or refuse. For a signed document that is
 * a signature-confusion vector: the signer's parser may have read `{"given_name":"A","given_name":"B"}`
 * as A where ours reads B. A partner's message with a repeated name is refused instead (RFC 7515
 * §5.2 allows a recipient to refuse, RFC 7519 §4 asks it to).
 *
 * A scanner over text JSON.parse has already accepted (so its grammar is known to be right): a string
 * right after `{` or after `,` inside an object is a member name. Names are compared decoded, so
 * `"a"` and `"\u0061"` are one name. Linear in the text; no library (one would add a parser of its
 * own to isp-callback's bundle for these 40 lines).
 */

/** Where a name occurs twice: the name, and the member names leading to its object (array items by index). */
export interface RepeatedMember {
  name: string;
  path: (string | number)[];
}

interface Container {
  /** The member names seen so far; undefined for an array. */
  names: Set<string> | undefined;
  /** How this container is reached from its parent: its member name or item index. */
  key: string | number | undefined;
  /** The current item's index (arrays) or member name (objects). */
  current: string | number | undefined;
}

/** The decoded value of the JSON string token that starts at `start` (a `"`) and ends at `end`. */
function stringAt(text: string, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(text.slice(start, end + 1)) as string) : text.slice(start + 1, end);
}

/**
 * The first member name that occurs twice in one object of `text`, which must be JSON that
 * JSON.parse accepts; undefined when every object names each member once.
 */
export function repeatedMember(text: string): RepeatedMember | undefined {
  const stack: Container[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end += 1) {
        const d = text.charCodeAt(end);
        if (d === 0x5c /* \ */) {
          escaped = true;
          end += 1;
        } else if (d === 0x22) break;
      }
      const top = stack.at(-1);
      if (expectName && top?.names) {
        const name = stringAt(text, i, end, escaped);
        if (top.names.has(name)) return { name, path: stack.slice(1).map((s) => s.key as string | number) };
        top.names.add(name);
        top.current = name;
        expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack.at(-1);
      stack.push({
        names: c === 0x7b ? new Set() : undefined,
        key: parent?.current,
        current: c === 0x7b ? undefined : 0,
      });
      expectName = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.names) expectName = true;
      else if (top) top.current = (top.current as number) + 1;
    }
  }
  return undefined;
}
