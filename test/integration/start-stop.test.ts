/**
 * `npm start` stopping while callers keep sending: once it says it is stopping, a new request is
 * refused at once (503, Connection: close) instead of being served, so that callers under load
 * cannot keep the stop waiting for one more request after another (a stop under 60 callers took
 * 47 s); a request in flight finishes, and the stop then ends with exit 0. A second signal does not
 * wait for the work in flight.
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
 * A start of an identification whose body is still coming: in flight (the server has answered
 * 100 Continue, as it takes a request up) until `finish` sends the rest.
 */
async function heldRequest(baseUrl: string, token: string) {
  const held = request(`${baseUrl}/api/identifications`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(BODY)),
      expect: '100-continue',
    },
  });
  const status = new Promise<number | undefined>((resolve) => {
    held.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    held.on('error', () => resolve(undefined));
  });
  const admitted = new Promise((resolve) => held.once('continue', resolve));
  held.flushHeaders();
  await admitted;
  held.write(BODY.slice(0, 10));
  return { status, finish: () => held.end(BODY.slice(10)) };
}

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
      const held = await heldRequest(s.baseUrl, s.token);

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

  it('stops at a second signal without waiting for the work in flight', async () => {
    const s = await started();
    try {
      const held = await heldRequest(s.baseUrl, s.token);

      s.child.kill('SIGTERM');
      await waitFor(async () => s.stopping(), Boolean, { timeoutMs: 60_000 });
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
