/**
 * `npm run deploy:local`: the real templates and Lambda bundles on MiniStack, an AWS emulator on a
 * free loopback port (Python 3 is the one extra requirement). Deploys both stacks, fills the secrets,
 * seeds the demo setup, prints the URLs and the demo clients' credentials, then waits: Ctrl-C stops
 * the emulator and every process it started. See docs/deploy.md ("npm run deploy:local").
 */
import { deployToEmulator, readerVariables } from './emulator/deploy.js';
import { EmulatorSetupError, installMiniStack, startMiniStack } from './emulator/ministack.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

let stopping = false;
let emulator: Awaited<ReturnType<typeof startMiniStack>> | undefined;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (emulator) {
      log('Stopping MiniStack…');
      await emulator.stop();
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  if (process.argv.includes('--install-only')) {
    // .ci/run: install the pinned MiniStack before the suites, so a failure is its own line.
    installMiniStack(log);
    process.exit(0);
  }
  const started = Date.now();
  emulator = await startMiniStack({ log });
  log(`MiniStack is up on ${emulator.endpoint} (log: ${emulator.logFile})`);
  const d = await deployToEmulator(emulator.endpoint, { log });
  const seconds = Math.round((Date.now() - started) / 1000);
  const lines = [
    '',
    `Deployed on MiniStack in ${seconds} s (stage ${d.stage}). Paste these lines into another terminal:`,
    '',
    ...readerVariables(d).map(
      ({ name, value, comment }) => `export ${name}=${value}${comment ? `    # ${comment}` : ''}`,
    ),
    '',
    `AWS CLI and SDK: AWS_ENDPOINT_URL=${d.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    `Table ${d.tableName}, state machine ${d.stateMachineArn}`,
    '',
    'Then the README walkthrough with the substitutions of "Against the deployed stack (MiniStack)". Ctrl-C stops everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // Wait for Ctrl-C; if MiniStack dies on its own, say so and stop.
  await emulator.exited;
  log(`MiniStack exited on its own (log: ${emulator.logFile}).`);
  await stop(1);
} catch (err) {
  log(err instanceof EmulatorSetupError ? err.message : `deploy:local failed: ${(err as Error).message}`);
  await stop(1);
}
