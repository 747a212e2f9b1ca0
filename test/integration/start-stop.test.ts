/**
 * `npm start` stopping while callers keep sending: once it says it is stopping, a new request is
 * refused at once (503, Connection: close) instead of being served, so that callers under load
 * cannot keep the stop waiting for one more request after another (a stop under 60 callers took
 * 47 s); a request in flight finishes, the calls its functions make to the stack meanwhile
 * answered, and the stop then ends with exit 0. A second signal does not wait for the work in flight;
 * the same signal delivered twice at once (by the terminal and by npm) is one.
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { waitFor } from '../support/stack.js';
import { paperStartBody } from '../support/white-paper.js';

const STOPPING_TYPE = 'https://smart-registration.example/problems/stopping';
const BODY = JSON.stringify(paperStartBody());

/** npm start's entry point, ready, with its API's base URL and a token of Demo Bank's. */
async function started() {
  const entry = spawnEntryPoint(ROOT, { LOG_LEVEL: 'ERROR' });
  await waitFor(
    async () => entry.child.exitCode !== null || entry.stdout().includes('Press Ctrl-C to stop.'),
    (done) => done,
    { timeoutMs: 60_000 },
  );
  const baseUrl = /API\s+(http:\/\/\S+)\/api\b/.exec(entry.stdout())?.[1];
  if (!baseUrl) throw new Error(`No API URL in the banner:\n${entry.stdout()}`);
  const tokenAnswer = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('demo-bank:demo-bank-secret').toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const stopping = () => entry.stdout().includes('SIGTERM: stopping…');
  const exited = () =>
    waitFor(
      async () => entry.child.exitCode,
      (code) => code !== null,
      { timeoutMs: 60_000 },
    );
  return { ...entry, baseUrl, token, stopping, exited };
}

/**
 * A POST whose body is still coming: in flight (the server has answered 100 Continue, as it takes a
 * request up) until `finish` sends the rest. `answer` is its status and body (undefined if cut off).
 */
async function heldRequest(url: string, body: string, headers: Record<string, string>) {
  const held = request(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      expect: '100-continue',
    },
  });
  const answer = new Promise<{ status: number | undefined; text: string } | undefined>((resolve) => {
    held.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', () => resolve(undefined));
    });
    held.on('error', () => resolve(undefined));
  });
  const admitted = new Promise((resolve) => held.once('continue', resolve));
  held.flushHeaders();
  await admitted;
  held.write(body.slice(0, 10));
  return {
    status: answer.then((a) => a?.status),
    answer,
    finish: () => held.end(body.slice(10)),
  };
}

/** A start of an identification held in flight (heldRequest). */
const heldStart = (baseUrl: string, token: string) =>
  heldRequest(`${baseUrl}/api/identifications`, BODY, { authorization: `Bearer ${token}` });

const kill = (child: ChildProcess) => {
  if (child.exitCode === null) child.kill('SIGKILL');
};

describe('npm start stopping', () => {
  it('under load: refuses the requests sent once it is stopping, lets the one in flight finish, and stops', async () => {
    const s = await started();
    try {
      // Callers that start identifications one after another on kept-alive connections, until
      // the stack has gone.
      let served = 0;
      let gone = false;
      s.child.once('exit', () => {
        gone = true;
      });
      const caller = async () => {
        while (!gone) {
          try {
            const res = await fetch(`${s.baseUrl}/api/identifications`, {
              method: 'POST',
              headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
              body: BODY,
            });
            await res.arrayBuffer();
            if (res.status === 201) served += 1;
          } catch {
            // The stack has closed its port: nothing more to send to.
            return;
          }
        }
      };
      const callers = Array.from({ length: 8 }, caller);
      await waitFor(
        async () => served,
        (n) => n >= 8,
        { timeoutMs: 60_000 },
      );
      const held = await heldStart(s.baseUrl, s.token);

      s.child.kill('SIGTERM');
      await waitFor(async () => s.stopping(), Boolean, { timeoutMs: 60_000 });
      // Sent once it is stopping, on a connection of its own.
      const late = await fetch(`${s.baseUrl}/api/identifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body: BODY,
      });
      const lateType = ((await late.json()) as { type?: string }).type;
      held.finish();
      await s.exited();
      await Promise.all(callers);

      expect({ status: late.status, type: lateType, connection: late.headers.get('connection') }).toEqual({
        status: 503,
        type: STOPPING_TYPE,
        connection: 'close',
      });
      expect(await held.status).toBe(201);
      expect(s.child.exitCode).toBe(0);
      expect(s.stdout()).toMatch(/SIGTERM: stopping…\nstopped\n$/);
    } finally {
      kill(s.child);
    }
  }, 180_000);

  it('answers the calls its functions make to finish their work: a Test-ISP submission in flight delivers both its messages', async () => {
    const s = await started();
    try {
      const opened = await fetch(`${s.baseUrl}/api/identifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body: BODY,
      });
      expect(opened.status).toBe(201);
      const { refId } = (await opened.json()) as { refId: string };
      // The Test-ISP posts its done event and its evidence to the ISP callback routes of the same
      // stack once it has the whole submission.
      const held = await heldRequest(
        `${s.baseUrl}/test-isp/api/orders/${refId}`,
        JSON.stringify({ status: 'data-ready' }),
        {},
      );

      s.child.kill('SIGTERM');
      await waitFor(async () => s.stopping(), Boolean, { timeoutMs: 60_000 });
      const late = await fetch(`${s.baseUrl}/test-isp/api/orders/${refId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'data-ready' }),
      });
      await late.arrayBuffer();
      held.finish();
      const answer = await held.answer;
      await s.exited();

      // A caller's request is refused, the function's own calls are not.
      expect(late.status).toBe(503);
      expect(answer?.status).toBe(200);
      expect((JSON.parse(answer?.text ?? '{}') as { sent?: unknown }).sent).toEqual([
        { kind: 'event', event: 'done', status: 200, outcome: 'applied' },
        { kind: 'evidence', status: 200, outcome: 'applied' },
      ]);
      expect(s.child.exitCode).toBe(0);
    } finally {
      kill(s.child);
    }
  }, 180_000);

  it('takes a signal repeated at once for the same one (a terminal sends Ctrl-C to npm and to npm start, npm relays it) and waits for the work in flight', async () => {
    const s = await started();
    try {
      const held = await heldStart(s.baseUrl, s.token);

      s.child.kill('SIGTERM');
      await waitFor(async () => s.stopping(), Boolean, { timeoutMs: 60_000 });
      s.child.kill('SIGTERM');
      // The repeat handled before the request finishes: the stack answers a caller meanwhile.
      const late = await fetch(`${s.baseUrl}/api/providers`);
      await late.arrayBuffer();
      held.finish();
      await s.exited();

      expect(late.status).toBe(503);
      expect(await held.status).toBe(201);
      expect(s.child.exitCode).toBe(0);
      expect(s.stderr()).toBe('');
    } finally {
      kill(s.child);
    }
  }, 180_000);

  it('stops at a second signal without waiting for the work in flight', async () => {
    const s = await started();
    try {
      const held = await heldStart(s.baseUrl, s.token);

      s.child.kill('SIGTERM');
      await waitFor(async () => s.stopping(), Boolean, { timeoutMs: 60_000 });
      // A second signal is one sent a second or more after the first (main.ts SAME_SIGNAL_MS):
      // counted from when the stack said it was stopping, which is after it took the first.
      const saidStopping = performance.now();
      await waitFor(
        async () => performance.now() - saidStopping,
        (ms) => ms >= 1000,
        { timeoutMs: 5_000 },
      );
      s.child.kill('SIGTERM');
      await s.exited();

      expect(s.child.exitCode).toBe(1);
      expect(s.stderr().trim().split('\n')).toEqual([
        'npm start: SIGTERM again: stopped without waiting for the work in flight',
      ]);
      expect(s.stdout()).not.toMatch(/stopped\n$/);
      held.finish();
      expect(await held.status).toBeUndefined();
    } finally {
      kill(s.child);
    }
  }, 180_000);
});
