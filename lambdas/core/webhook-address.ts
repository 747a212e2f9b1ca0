/**
 * Where a webhook may be sent: the shape of an endpoint URL and the IP addresses the service may
 * connect to (never private, loopback, link-local or metadata ones). Pure: DNS is an adapter.
 */
import { matchesSafeText } from './domain.js';
import { isLoopbackAddress } from './loopback.js';
import { LOCAL_STAGE } from './stage.js';

export interface UrlPolicy {
  /** Local stage: http to the loopback address (a receiver on the same machine). */
  allowLoopbackHttp: boolean;
}

/**
 * The policy of a stage: only the embedded stack may call back into the machine it runs on — and
 * a deployment on an AWS emulator, whose synth target sets `loopbackReceivers` (the emulator and
 * the test's receiver share one machine; lib/emulator-target.ts). Never set in an AWS synth.
 */
export function urlPolicyOf(stage: string, loopbackReceivers = false): UrlPolicy {
  return { allowLoopbackHttp: stage === LOCAL_STAGE || loopbackReceivers };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it finds.
const URL_UNSAFE_CHARACTER = /[\u0000-\u0020\u007F]/;

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * The shape of an endpoint URL. Addresses are checked separately (IP literals here via
 * `addressAllowed`, host names after DNS resolution, at registration and at every delivery).
 */
export function checkEndpointUrl(raw: string, policy: UrlPolicy): UrlCheck {
  // The URL parser drops tabs, line breaks and outer spaces or control characters without a word
  // (`https://sp.exa\tmple/` becomes `https://sp.example/`): refused, so the URL registered is the one sent.
  if (URL_UNSAFE_CHARACTER.test(raw))
    return { ok: false, reason: 'Must not contain spaces or control characters.' };
  // Nor other controls, format characters or a lone surrogate, as free text: the parser would
  // percent-encode a bidi override, and a lone surrogate as U+FFFD's bytes — another URL than the one sent.
  if (!matchesSafeText(raw)) return { ok: false, reason: 'Must not contain control or format characters.' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'Must be an absolute URL.' };
  }
  if (url.username || url.password) return { ok: false, reason: 'Must not contain credentials.' };
  if (url.hash) return { ok: false, reason: 'Must not contain a fragment.' };
  // Port 0 parses, but no receiver can listen on it: every delivery would fail.
  if (url.port === '0') return { ok: false, reason: 'Must name a port from 1 to 65535.' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // The loopback addresses only, not the name `localhost`: a receiver's host is resolved and judged by its address.
  const loopbackHttp = url.protocol === 'http:' && policy.allowLoopbackHttp && isLoopbackAddress(host);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    return {
      ok: false,
      reason: policy.allowLoopbackHttp
        ? 'Must use https (http is allowed for 127.0.0.1 or [::1] only, on the local stack).'
        : 'Must use https.',
    };
  }
  if (!host.includes('.') && !host.includes(':') && !loopbackHttp) {
    return { ok: false, reason: 'Must name a public host.' };
  }
  if (/(^|\.)(localhost|local|internal|localdomain)$/i.test(host) && !loopbackHttp) {
    return { ok: false, reason: 'Must name a public host.' };
  }
  return { ok: true, url };
}

const V4_FORBIDDEN: [string, number][] = [
  ['0.0.0.0', 8], // this network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function v4Forbidden(ip: string): boolean {
  const n = v4ToNumber(ip);
  if (n === undefined) return true;
  return V4_FORBIDDEN.some(([base, bits]) => {
    const b = v4ToNumber(base) as number;
    const size = 2 ** (32 - bits);
    return n >= b && n < b + size;
  });
}

/** The eight 16-bit groups of an IPv6 address, or undefined if it is not one. */
function v6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToNumber(dotted[1] as string);
    if (n === undefined) return undefined;
    const tail = dotted[1] as string;
    text = `${text.slice(0, -tail.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s ? s.split(':') : []);
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

function v6Forbidden(ip: string): boolean {
  const g = v6Groups(ip);
  if (!g) return true;
  const [a = 0, b = 0, c = 0, , , f = 0, y = 0, z = 0] = g;
  const v4Tail = `${y >> 8}.${y & 255}.${z >> 8}.${z & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (f === 0xffff || f === 0)) {
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), :: and ::1
    return f === 0 && y === 0 ? true : v4Forbidden(v4Tail);
  }
  // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765): a SIIT translator makes it the IPv4 address.
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && f === 0) return v4Forbidden(v4Tail);
  if (a === 0x64 && b === 0xff9b) return v4Forbidden(v4Tail); // NAT64
  if ((a & 0xfe00) === 0xfc00) return true; // unique local, incl. AWS metadata fd00:ec2::254
  if ((a & 0xffc0) === 0xfe80) return true; // link-local
  if ((a & 0xffc0) === 0xfec0) return true; // site-local (deprecated, still routed in some networks)
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x2002) return v4Forbidden(`${b >> 8}.${b & 255}.${c >> 8}.${c & 255}`); // 6to4
  if (a === 0x2001 && b === 0) return true; // Teredo
  return false;
}

/** May the service connect to this IP address? Never private, loopback, link-local or metadata ones. */
export function addressAllowed(ip: string, policy: UrlPolicy): boolean {
  if (policy.allowLoopbackHttp && isLoopbackAddress(ip)) return true;
  return ip.includes(':') ? !v6Forbidden(ip) : !v4Forbidden(ip);
}

/** An IP literal in a URL's host, if it is one. */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host.includes(':')) return host;
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : undefined;
}
