// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ASL substitutions are written ${Name}.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aslHandlerNames,
  aslStates,
  aslTaskHandlers,
  placeholderOf,
  substitutionKeys,
  taskHandlerOf,
} from '../../lambdas/asl-tasks.js';
import { loadStateMachines } from '../../lib/state-machines.js';
import { FIXTURES } from './helpers.js';

describe('the placeholder ↔ handler naming rule', () => {
  it('maps a kebab-case handler to its PascalCase FunctionArn placeholder and back', () => {
    // Prepare / Act / Assess
    expect(placeholderOf('task-send-terms-sms')).toBe('TaskSendTermsSmsFunctionArn');
    expect(taskHandlerOf('${TaskSendTermsSmsFunctionArn}')).toBe('task-send-terms-sms');
    expect(taskHandlerOf('TaskSendTermsSmsFunctionArn')).toBe('task-send-terms-sms');
  });

  it('round-trips handler names with digits', () => {
    for (const handler of ['verify', 'isp2-callback', 'task-await-callback', 'a1-b2-c3']) {
      expect(taskHandlerOf(placeholderOf(handler))).toBe(handler);
    }
  });

  it('rejects names that would not round-trip', () => {
    expect(() => placeholderOf('Task-Send')).toThrow(/kebab-case/);
    expect(() => placeholderOf('task-2fa')).toThrow(/kebab-case/);
    expect(() => taskHandlerOf('${SendSMSFunctionArn}')).toThrow(/acronyms/);
    expect(() => placeholderOf('send-s-m-s')).toThrow(/one-letter/);
    expect(() => taskHandlerOf('${TableName}')).toThrow(/not a function placeholder/);
    expect(() => taskHandlerOf('${taskFunctionArn}')).toThrow(/not a function placeholder/);
  });
});

describe('aslStates', () => {
  it('finds every state, nested ones included, as the definition’s own objects', () => {
    const definition = JSON.parse(
      readFileSync(join(FIXTURES, 'branching', 'identification.asl.json'), 'utf8'),
    ) as { States: Record<string, unknown> };

    const states = aslStates(definition);

    expect([...states.keys()].sort()).toEqual(
      ['BranchTask', 'Fan', 'ItemTask', 'Items', 'Shared', 'SharedAgain'].sort(),
    );
    expect(states.get('Fan')).toBe(definition.States.Fan);
  });

  it('refuses a state name used twice (in two branches)', () => {
    const branch = { StartAt: 'Same', States: { Same: { Type: 'Pass', End: true } } };
    const definition = {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [branch, structuredClone(branch)], End: true } },
    };

    expect(() => aslStates(definition)).toThrow(/"Same" is used twice/);
  });
});

describe('aslTaskHandlers', () => {
  it('finds the tasks of Parallel branches and Map item processors, in document order', () => {
    const definition = JSON.parse(
      readFileSync(join(FIXTURES, 'branching', 'identification.asl.json'), 'utf8'),
    );

    const tasks = aslTaskHandlers(definition);

    expect(tasks).toEqual([
      { stateName: 'BranchTask', handler: 'fixture-branch-task', waitsForCallback: false },
      { stateName: 'ItemTask', handler: 'fixture-item-task', waitsForCallback: true },
      { stateName: 'Shared', handler: 'api-docs', waitsForCallback: false },
      { stateName: 'SharedAgain', handler: 'fixture-branch-task', waitsForCallback: false },
    ]);
    expect(aslHandlerNames(definition)).toEqual(['api-docs', 'fixture-branch-task', 'fixture-item-task']);
  });

  it('finds tasks in a legacy Map Iterator and in a direct function Resource', () => {
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Iterator: {
            StartAt: 'T',
            States: { T: { Type: 'Task', Resource: '${InnerFunctionArn}', End: true } },
          },
          End: true,
        },
      },
    };

    expect(aslTaskHandlers(definition)).toEqual([
      { stateName: 'T', handler: 'inner', waitsForCallback: false },
    ]);
  });

  it('ignores states that are not tasks and tasks that run no function of ours', () => {
    const definition = {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Parameters: { x: '${NotATaskFunctionArn}' }, Next: 'W' },
        W: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:listBuckets', End: true },
      },
    };

    expect(aslTaskHandlers(definition)).toEqual([]);
  });

  it('refuses a task that names two functions', () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: '${AFunctionArn}', Payload: { other: '${BFunctionArn}' } },
          End: true,
        },
      },
    };

    expect(() => aslTaskHandlers(definition)).toThrow(/more than one function/);
  });

  it('marks a task that waits for its token to be completed', () => {
    const definition = {
      StartAt: 'W',
      States: {
        W: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            FunctionName: '${TaskAwaitCallbackFunctionArn}',
            Payload: { 'token.$': '$$.Task.Token' },
          },
          Next: 'R',
        },
        R: { Type: 'Task', Resource: '${TaskExpireOrderFunctionArn}', End: true },
      },
    };

    expect(aslTaskHandlers(definition)).toEqual([
      { stateName: 'W', handler: 'task-await-callback', waitsForCallback: true },
      { stateName: 'R', handler: 'task-expire-order', waitsForCallback: false },
    ]);
  });

  it('lists every substitution key of a text once', () => {
    expect(substitutionKeys('{"a":"${XFunctionArn}","b":"${Y}","c":"${XFunctionArn}"}')).toEqual([
      'XFunctionArn',
      'Y',
    ]);
  });
});

describe('loadStateMachines', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const withAsl = (name: string, definition: unknown): string => {
    dir = mkdtempSync(join(tmpdir(), 'asl-'));
    writeFileSync(join(dir, name), JSON.stringify(definition, null, 2));
    return dir;
  };

  it('keeps the text verbatim and names the machine after the file', () => {
    const [machine] = loadStateMachines(join(FIXTURES, 'branching'));

    expect(machine?.name).toBe('identification');
    expect(machine?.text).toBe(readFileSync(join(FIXTURES, 'branching', 'identification.asl.json'), 'utf8'));
    expect(machine?.handlers).toEqual(['api-docs', 'fixture-branch-task', 'fixture-item-task']);
  });

  it('refuses a substitution nobody supplies', () => {
    const d = withAsl('flow.asl.json', {
      StartAt: 'T',
      States: { T: { Type: 'Pass', Parameters: { table: '${TableName}' }, End: true } },
    });

    expect(() => loadStateMachines(d)).toThrow(/unknown substitution \$\{TableName\}/);
  });

  it('refuses a function placeholder outside a task', () => {
    const d = withAsl('flow.asl.json', {
      StartAt: 'T',
      States: { T: { Type: 'Pass', Parameters: { fn: '${LooseFunctionArn}' }, End: true } },
    });

    expect(() => loadStateMachines(d)).toThrow(/outside a Task/);
  });

  it('refuses JSONata, which the local stack cannot run', () => {
    const d = withAsl('flow.asl.json', {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: { T: { Type: 'Succeed' } },
    });

    expect(() => loadStateMachines(d)).toThrow(/JSONPath/);
  });
});
