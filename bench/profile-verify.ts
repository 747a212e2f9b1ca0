/**
 * One path of figure 1 on its own, for a CPU profile: the benchmark's stack (INFO logs counted,
 * EMF lines, configuration cached 60 s), the seeded registration, then only that path.
 *
 *   npx tsx bench/profile-verify.ts [path] [calls] [profile.cpuprofile]
 *
 * path: `in-process` (default: the gateway's in-process entry → the verify handler → GetItem),
 * `http` (POST /api/verify over the local HTTP server) or `get-item` (the SDK call alone);
 * calls: 5000 (after 1000 of warm-up, 20 in flight). Prints the wall and CPU time per call; with
 * a file name, writes a V8 CPU profile of the measured calls alone (not the start or the warm-up)
 * that Chrome DevTools or speedscope open.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../lambdas/adapters/dynamo/table-schema.js';
import { TABLE_NAME } from '../local/stack.js';
import { startBenchStack } from './bench.js';
import { runPool } from './stats.js';
import {
  documentClient,
  postVerify,
  seedVerifyRegistration,
  VERIFY_MSISDN,
  verifyGatewayRequest,
} from './verify-overhead.js';

const [pathName = 'in-process', callsArg = '5000', profileFile] = process.argv.slice(2);
const calls = Number(callsArg);
const { stack, releaseLogs } = await startBenchStack();
const db = documentClient(stack.dynamoEndpoint);
try {
  const body = await seedVerifyRegistration(stack);
  const request = verifyGatewayRequest(stack.baseUrl, body);
  const get = new GetCommand({ TableName: TABLE_NAME, Key: keys.registration(VERIFY_MSISDN) });
  const paths: Record<string, () => Promise<void>> = {
    'in-process': async () => {
      const out = await stack.gateway.handle({ ...request, headers: { ...request.headers } });
      if (out.statusCode !== 200) throw new Error(`verify answered ${out.statusCode}`);
    },
    http: async () => {
      const status = await postVerify(stack.baseUrl, body);
      if (status !== 200) throw new Error(`verify answered ${status}`);
    },
    'get-item': async () => {
      if (!(await db.send(get)).Item) throw new Error('GetItem found no registration');
    },
  };
  const path = paths[pathName];
  if (!path) throw new Error(`unknown path ${pathName}; one of ${Object.keys(paths).join(', ')}`);
  await runPool(1000, 20, Number.POSITIVE_INFINITY, path);
  const session = new Session();
  if (profileFile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpuBefore = process.cpuUsage();
  const result = await runPool(calls, 20, Number.POSITIVE_INFINITY, path);
  const cpu = process.cpuUsage(cpuBefore);
  if (profileFile) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
  }
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `${pathName}: ${result.completed} calls (${result.failed} failed) in ${result.elapsedMs.toFixed(0)} ms: ` +
      `${(result.elapsedMs / result.completed).toFixed(3)} ms wall and ${(cpuMs / result.completed).toFixed(3)} ms CPU per call`,
  );
} finally {
  db.destroy();
  await stack.close();
  releaseLogs();
}
