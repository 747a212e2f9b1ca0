/**
 * The loopback interface, as the URL rules name it: the one place plain http is allowed in place of
 * https (the local stack and the tests run partners, SP pages and webhook receivers on the same
 * machine). Its addresses are IPv4's 127.0.0.1 and IPv6's ::1, and `localhost` names it (RFC 6761
 * §6.3); as RFC 8252 §7.3 treats loopback redirects and browsers treat secure contexts, IPv6 is
 * loopback as much as IPv4. A host is judged by the parsed URL's `hostname` (lower case, IPv4 in
 * dotted decimal, IPv6 in brackets and compressed), never by the URL's text:
 * `http://localhost:x@evil.example/`, `http://localhost.evil.com/` and `http://127.0.0.1.nip.io/`
 * name other hosts.
 */
import { isProductionStage } from './stage.js';

/** An IP address of the loopback interface, as text without brackets (127.0.0.1, ::1). */
export const isLoopbackAddress = (ip: string): boolean => ip === '127.0.0.1' || ip === '::1';

/** A URL's host name (`URL.hostname`) naming the loopback interface: `localhost`, 127.0.0.1 or [::1]. */
export const isLoopbackHostname = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';

/** Plain http to the loopback interface. */
export const isLoopbackHttp = (url: URL): boolean =>
  url.protocol === 'http:' && isLoopbackHostname(url.hostname);

/**
 * Whether a stage lets the URLs it is given use plain http to the loopback interface: the embedded
 * stack (`local`) and the test stages (dev, test) do, whose partners and SP pages may run on the
 * developer's machine; production (`prod`) does not: https only. A deployed function knows its stage
 * from STAGE (lib/function-environment.ts), read by adapters/env.ts stageAllowsLoopbackHttp.
 */
export const allowsLoopbackHttp = (stage: string): boolean => !isProductionStage(stage);

/** Why production refuses a URL the other stages accept. */
export const LOOPBACK_HTTP_REFUSED_IN_PRODUCTION =
  'Must use https: http to localhost, 127.0.0.1 or [::1] is allowed on the local stack and the test stages only, not in production.';

/** https, or plain http to the loopback interface. */
export const isHttpsOrLoopbackHttp = (url: URL): boolean => url.protocol === 'https:' || isLoopbackHttp(url);
