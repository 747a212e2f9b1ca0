/**
 * The stack-frame hook (lambdas/http/stack-frames.ts) in this process, for what the bundle tests
 * (test/bench/stack-frames.test.ts) cannot reach: a caller that hands the installed formatter
 * something other than V8's call sites gets what the formatter it replaced answers, not a
 * TypeError from the hook.
 */
import { afterEach, expect, it } from 'vitest';
import { mapBundleStackFrames } from '../../lambdas/http/stack-frames.js';

const original = Error.prepareStackTrace;
afterEach(() => {
  Error.prepareStackTrace = original;
});

it('hands objects that are not call sites to the formatter it replaced', () => {
  const replaced = (error: Error, trace: unknown[]) => `${error.message} at ${trace.length} places`;
  Error.prepareStackTrace = replaced;
  mapBundleStackFrames('file:///var/task/not-this-one/index.mjs');
  const hook = Error.prepareStackTrace;
  expect(hook).not.toBe(replaced);

  const formatted = hook?.(new Error('boom'), [{}, {}] as unknown as NodeJS.CallSite[]);

  expect(formatted).toBe('boom at 2 places');
});
