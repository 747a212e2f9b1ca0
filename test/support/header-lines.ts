/**
 * A request whose header lines go out exactly as given — a name twice is two lines — which `fetch`
 * cannot send (its Headers joins them). For the tests of a header given more than once.
 */
import { type IncomingHttpHeaders, request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Sends `lines` (name, value pairs, one line each; Host added first) and the body; the answer as text. */
export function sendHeaderLines(
  url: string,
  method: string,
  lines: readonly (readonly [string, string])[],
  body = '',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      // A flat name/value list, which Node sends line by line as given.
      { method, headers: ['host', new URL(url).host, ...lines.flat()] },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
