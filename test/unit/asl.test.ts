/**
 * The state machine file itself: valid ASL (asl-validator is a floor, not a proof — it accepts
 * `${…}` resources), JSONPath only (JSONata cannot run locally), every ending recorded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { aslTaskHandlers } from '../../lambdas/asl-tasks.js';
import { TASK_ERRORS, TransientError } from '../../lambdas/core/errors.js';

const require = createRequire(import.meta.url);
const validate = require('asl-validator') as (definition: unknown) => { isValid: boolean; errors: unknown[] };

type State = {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
  TimeoutSecondsPath?: string;
  TimeoutSeconds?: number;
};
const definition = JSON.parse(readFileSync('statemachines/identification.asl.json', 'utf8')) as {
  QueryLanguage?: string;
  StartAt: string;
  States: Record<string, State>;
};

describe('statemachines/identification.asl.json', () => {
  it('is valid Amazon States Language', () => {
    const result = validate(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('rejects a broken definition, so the validator above is really checking', () => {
    expect(validate({ StartAt: 'Nowhere', States: { Lonely: { Type: 'Pass', End: true } } }).isValid).toBe(
      false,
    );
  });

  it('uses JSONPath, never JSONata (aws-local-stepfunctions ignores JSONata)', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toContain('{%');
  });

  it('waits for the method choice, the ISP and the person with callback tasks that time out', () => {
    for (const name of ['WaitForMethodChoice', 'WaitForEvidence', 'WaitForTerms']) {
      const state = definition.States[name] as State;
      expect(state.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(state.TimeoutSecondsPath ?? state.TimeoutSeconds).toBeDefined();
      expect(state.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next).toBe('ExpireOrder');
    }
  });

  it('retries every Lambda task and routes every unhandled error of a task to RecordFailure', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      expect(state.Retry?.length, name).toBeGreaterThan(0);
      if (name === 'RecordFailure') continue;
      expect(state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next, name).toBe(
        'RecordFailure',
      );
    }
  });

  it('retries the TransientError the task edge throws in every task, and lets the other typed task errors reach RecordFailure', () => {
    const retried = (state: State, code: string) =>
      state.Retry?.some((r) => r.ErrorEquals.includes(code) || r.ErrorEquals.includes('States.ALL')) ?? false;
    const transient = new TransientError('x').name;
    const permanent = TASK_ERRORS.map((type) => new type('x').name).filter((name) => name !== transient);
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');

    expect(permanent).toEqual(['OrderNotFound', 'OrderNotReady', 'TransitionRefused']);
    for (const [name, state] of tasks) {
      expect(retried(state, transient), name).toBe(true);
      // A permanent error named in a Retry would be tried again for nothing; in a Catch, miss RecordFailure.
      for (const code of permanent) {
        expect(state.Retry?.some((r) => r.ErrorEquals.includes(code)) ?? false, `${name} ${code}`).toBe(
          false,
        );
        expect(state.Catch?.some((c) => c.ErrorEquals.includes(code)) ?? false, `${name} ${code}`).toBe(
          false,
        );
      }
    }
  });

  it('names a handler module for each task through its …FunctionArn placeholder', () => {
    expect(aslTaskHandlers(definition).map((t) => [t.stateName, t.handler])).toEqual([
      ['WaitForMethodChoice', 'task-await-callback'],
      ['WaitForEvidence', 'task-await-callback'],
      ['SendTermsSms', 'task-send-terms-sms'],
      ['WaitForTerms', 'task-await-callback'],
      ['RegisterPerson', 'task-register-person'],
      ['ExpireOrder', 'task-expire-order'],
      ['RecordFailure', 'task-record-failure'],
    ]);
  });
});
