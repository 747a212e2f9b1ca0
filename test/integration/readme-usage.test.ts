/**
 * The README's "Usage and statements" output, run as written: the walkthrough, then the operator's
 * `npm run admin -- --local usage` for the current month, on a stack of its own (a reader's fresh
 * `npm start`), so that the figures are those of one walkthrough. `--local` finds the stack through
 * the endpoints file `npm start` writes (local/endpoints-file.ts), here in the session's own temp
 * folder. Needs bash, curl, jq and npm, as the README does.
 */
import { describe, expect, it } from 'vitest';
import { type Step, sectionSteps, useEndpointsFolder, walkthroughRun } from '../support/readme.js';
import { useStack } from '../support/stack.js';

const stack = useStack();
/** The session's temp folder (TMPDIR), holding this stack's endpoints file. */
const temp = useEndpointsFolder(stack);

describe("the README's usage and statements", () => {
  it('prints, after the walkthrough, the usage lines it shows, in the current month', async () => {
    const usage = sectionSteps('### Usage and statements')[0] as Step;
    expect(usage.shown).toBeDefined();
    expect(usage.command).toContain('admin -- --local usage --month $(date -u +%Y-%m) --client demo-portal');

    const printed = await walkthroughRun([...sectionSteps('## Walkthrough (curl)'), usage], stack(), {
      TMPDIR: temp(),
    });

    // "The lines below were printed in November 2026; yours carry the current month."
    const month = new Date().toISOString().slice(0, 7);
    const shown = (usage.shown as string).replaceAll('"month":"2026-11"', `"month":"${month}"`).split('\n');
    const lines = (printed.at(-1) as string).split('\n');
    expect(lines).toHaveLength(shown.length);
    shown.forEach((line, i) => {
      // `…` stands for the charges the README leaves out.
      const pattern = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('…', '.*');
      expect(lines[i]).toMatch(new RegExp(`^${pattern}$`));
    });
  }, 90_000);
});
