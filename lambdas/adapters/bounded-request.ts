/**
 * One HTTP(S) request to a server we do not control, bounded: a hard timeout over the whole
 * exchange (connect, answer, body), a limit on the answer's size, no redirect followed (node:http
 * follows none: a 3xx is an answer like any other), and a fresh connection (agent: false) — a
 * kept-alive socket would be reused after Lambda froze the instance for minutes, when the server
 * has long closed it. Used for the access-token key set (remote-key-set.ts) and webhook messages
 * (webhook-http.ts, which adds its own DNS lookup to connect only to addresses it checked).
 */

import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * node:http, for plain-http URLs (the local stack's token issuer, the emulator's loopback webhook
 * receivers), as the CommonJS module, loaded only then: an ESM `import … from 'node:http'` builds
 * the module's ESM namespace, which reads its lazy `WebSocket`, `MessageEvent` and `CloseEvent`
 * exports and so loads Node's bundled undici (the fetch/WebSocket implementation, ~35 ms of CPU at
 * cold start here) that nothing here uses (docs/benchmarks.md §3).
 */
const httpRequest = () => process.getBuiltinModule('node:http').request;

export interface BoundedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange: connect, answer, body. */
  timeoutMs: number;
  /** The largest answer body read; a larger one (declared or streamed) fails the request. */
  maxAnswerBytes: number;
  /** Resolves the host name instead of the system resolver (the webhook's address check). */
  lookup?: LookupFunction;
}

export interface BoundedAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Why a bounded request has no answer: `timeout`, `too-large` (the status it came with is kept:
 * a webhook receiver's 2xx counts even when it answers too much) or `network` (the error, with its
 * `code`, as `cause`).
 */
export class BoundedRequestFailed extends Error {
  constructor(
    readonly kind: 'timeout' | 'too-large' | 'network',
    readonly statusCode?: number,
    override readonly cause?: Error & { code?: string },
  ) {
    super(kind === 'network' ? (cause?.code ?? cause?.message ?? 'network error') : kind);
    this.name = 'BoundedRequestFailed';
  }
}

/** Sends the request to `url` (https: or http:) and reads the answer within the bounds. */
export function boundedRequest(url: URL, request: BoundedRequest): Promise<BoundedAnswer> {
  const { method, headers, body, timeoutMs, maxAnswerBytes, lookup } = request;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest();
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (failure: BoundedRequestFailed) =>
      settle(() => {
        req.destroy();
        reject(failure);
      });
    const req = send(url, { method, headers, agent: false, ...(lookup ? { lookup } : {}) }, (res) => {
      const statusCode = res.statusCode ?? 0;
      const tooLarge = () => fail(new BoundedRequestFailed('too-large', statusCode));
      res.on('error', (err) => fail(new BoundedRequestFailed('network', statusCode, err)));
      if (Number(res.headers['content-length']) > maxAnswerBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxAnswerBytes) tooLarge();
        else chunks.push(chunk);
      });
      res.on('end', () =>
        settle(() => resolve({ statusCode, headers: res.headers, body: Buffer.concat(chunks) })),
      );
      // Closed before its end (the server reset the connection mid-answer).
      res.on('close', () => fail(new BoundedRequestFailed('network', statusCode, connectionClosed())));
    });
    const timer = setTimeout(() => fail(new BoundedRequestFailed('timeout')), timeoutMs);
    req.on('error', (err) => fail(new BoundedRequestFailed('network', undefined, err)));
    req.end(body);
  });
}

function connectionClosed(): Error & { code: string } {
  return Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' });
}
