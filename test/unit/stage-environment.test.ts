/**
 * A function whose rules depend on its stage (which partner, redirect and webhook URLs it takes;
 * which routes its API document lists) is always told the stage: the stack, the emulator target
 * and the local stack set STAGE (lib/function-environment.ts). Deployed without it, or with a name
 * that is no stage of ours, it fails at cold start naming the variable, instead of taking itself
 * for a test stage that allows http to the loopback interface.
 */
import { describe, expect, it } from 'vitest';
import type { EnvironmentSources } from '../../lib/function-environment.js';
import { importedWith } from '../support/fresh-import.js';

const STAGE_FUNCTIONS = [
  'api-docs',
  'identification-start',
  'method-choice-page',
  'webhook-deliver',
  'webhooks',
];

/** A stage the stack's types would not let through: as a hand-edited deployment may hold it. */
const stage = (name: string) => ({ stage: name as EnvironmentSources['stage'] });

describe('a function that decides by its stage', () => {
  it.each(STAGE_FUNCTIONS)(
    '%s, deployed without STAGE, fails at cold start naming the variable',
    async (handler) => {
      await expect(importedWith(handler, { environment: stage(''), report: "'imported'" })).rejects.toThrow(
        /InvalidEnvironment: Missing required environment variable STAGE/,
      );
    },
    60_000,
  );

  it('deployed with STAGE=production (no stage of ours), fails at cold start saying which stages there are', async () => {
    await expect(
      importedWith('identification-start', { environment: stage('production'), report: "'imported'" }),
    ).rejects.toThrow(
      /InvalidEnvironment: Environment variable STAGE must be one of the stages local, dev, test, prod/,
    );
  }, 60_000);

  it('with STAGE=prod, imports as deployed', async () => {
    expect(
      await importedWith('identification-start', { environment: stage('prod'), report: "'imported'" }),
    ).toBe('imported');
  }, 60_000);
});
