/**
 * Instrumenting the embedded DynamoDB (dynalite) from outside: a request whose body was read (and
 * perhaps rewritten) is handed on to dynalite's own handler, and its JSON answer can be read and
 * rewritten on the way back — with the `Content-Length` and `x-amz-crc32` the SDK checks. Used by
 * the metrics (consumed capacity) and the stream emulation (item images).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';

export type JsonAnswer = Record<string, unknown>;

/**
 * Runs `inner` on `body`. `onAnswer` sees each JSON answer and its status; what it returns (if
 * anything) is sent instead. It may return a promise: the answer is then sent once it settles.
 * `onOtherAnswer` is called instead when the answer is no JSON object (dynalite's 404 for another
 * content type, its 413 without a body), so that a caller waiting for the answer is not left waiting.
 */
export function replayWithAnswer(
  inner: RequestListener,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  onAnswer: (
    answer: JsonAnswer,
    statusCode: number,
  ) => JsonAnswer | undefined | Promise<JsonAnswer | undefined>,
  onOtherAnswer: () => void = () => {},
): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  const send = (replaced: JsonAnswer | undefined, chunk: unknown, rest: unknown[]) => {
    if (!replaced) return end(chunk, ...rest);
    const out = JSON.stringify(replaced);
    res.setHeader('Content-Length', Buffer.byteLength(out, 'utf8'));
    res.setHeader('x-amz-crc32', crc32(out));
    return end(out, ...rest);
  };
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
      let answer: JsonAnswer | undefined;
      try {
        answer = JSON.parse(chunk.toString()) as JsonAnswer;
      } catch {
        answer = undefined;
      }
      if (typeof answer !== 'object' || answer === null) {
        onOtherAnswer();
        return end(chunk, ...rest);
      }
      const replaced = onAnswer(answer, res.statusCode);
      if (replaced instanceof Promise) {
        replaced.then(
          (settled) => send(settled, chunk, rest),
          () => send(undefined, chunk, rest),
        );
        return res;
      }
      return send(replaced, chunk, rest);
    }
    onOtherAnswer();
    return end(chunk, ...rest);
  }) as ServerResponse['end'];

  const replay = new PassThrough() as PassThrough & Partial<IncomingMessage>;
  Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers: { ...req.headers, 'content-length': String(body.length) },
    socket: req.socket,
  });
  inner(replay as unknown as IncomingMessage, res);
  replay.end(body);
}

let crcTable: Uint32Array | undefined;
/** CRC-32 of a string's UTF-8 bytes (DynamoDB's `x-amz-crc32` header); zlib's where Node has it. */
function crc32(text: string): number {
  const native = (zlib as { crc32?: (data: string) => number }).crc32;
  if (native) return native(text);
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Asks dynalite's own handler (`inner`) for one operation, outside any client: `like` lends the
 * headers dynalite checks (its authorization's form, the date). For the emulations' own reads (the
 * stream's item images), which are not the product's and so are neither metered nor faulted.
 */
export function askDynalite(
  inner: RequestListener,
  like: IncomingMessage,
  operation: string,
  request: JsonAnswer,
): Promise<{ statusCode: number; answer: JsonAnswer | undefined }> {
  const body = Buffer.from(JSON.stringify(request), 'utf8');
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    const response = {
      statusCode: 200,
      setHeader: (name: string, value: unknown) => {
        headers[name.toLowerCase()] = String(value);
      },
      getHeader: (name: string) => headers[name.toLowerCase()],
      end: (chunk?: unknown) => {
        let answer: JsonAnswer | undefined;
        try {
          answer = JSON.parse(String(chunk ?? '')) as JsonAnswer;
        } catch {
          answer = undefined;
        }
        resolve({ statusCode: response.statusCode, answer });
      },
    };
    const request_ = new PassThrough() as PassThrough & Partial<IncomingMessage>;
    Object.assign(request_, {
      method: 'POST',
      url: '/',
      headers: {
        ...like.headers,
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(body.length),
        'x-amz-target': `DynamoDB_20120810.${operation}`,
      },
      socket: like.socket,
    });
    inner(request_ as unknown as IncomingMessage, response as unknown as ServerResponse);
    request_.end(body);
  });
}
