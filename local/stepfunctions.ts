/**
 * Emulates Step Functions for the local stack: runs `statemachines/*.asl.json` with
 * aws-local-stepfunctions, binds each Lambda task to the handler module its `${…FunctionArn}`
 * placeholder names, mints a fresh task token per callback task, and serves StartExecution,
 * SendTaskSuccess, SendTaskFailure and DescribeExecution over the AWS JSON protocol, so the
 * service's own @aws-sdk/client-sfn adapter talks to it unchanged (AWS_ENDPOINT_URL_SFN).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { aslStates, aslTaskHandlers } from '../lambdas/asl-tasks.js';
import { readDataFile } from './data-folder.js';
import type { FaultInjector } from './faults.js';
import { loadHandler } from './handler-modules.js';
import { invokeFunction, lambdaContext, TASK_FUNCTION_TIMEOUT_MS } from './lambda-context.js';
import type { MetricsHooks } from './metrics-hooks.js';

type TaskHandler = (event: unknown, context: Context) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalExecution {
  executionArn: string;
  name: string;
  input: string;
  startDate: string;
  stopDate?: string;
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  /** State transitions as the execution event log counts them (what AWS bills). */
  stateTransitions: number;
  /** Names of the states entered, in order. */
  states: string[];
}

interface PendingTask {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
}

/** Runs when a callback for one execution's task arrives, before it is applied (tests: faults at the seam). */
export type CallbackInterception = () => Promise<void> | void;

export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface LocalStepFunctionsOptions {
  aslPath: string;
  stateMachineArn: string;
  /** Where running executions are remembered so that a restart can resume them. */
  dataDir?: string | undefined;
  /** Replace a task's handler (tests: inject failures into one state). */
  taskOverrides?: Record<string, TaskHandler>;
  /** Milliseconds between retries instead of the ASL's IntervalSeconds (tests). */
  retryIntervalMs?: number;
  /** Time each task's function invocation (benchmarks' cost model). */
  metrics?: MetricsHooks | undefined;
  /** Fail a share of task invocations like a Lambda service error (off when absent). */
  faults?: FaultInjector | undefined;
}

/**
 * How an injected task fault fails the invocation: before the function runs, or after it ran (its
 * effects happened, the answer was lost) — either way Step Functions sees Lambda.ServiceException.
 */
const TASK_FAULTS = ['Lambda.ServiceException', 'Lambda.ServiceException-after-run'] as const;

export class LocalStepFunctions {
  readonly stateMachineArn: string;
  private readonly definition: Record<string, unknown>;
  private readonly machine: StateMachine;
  private readonly stateHandlers: Map<string, { handler: string; callback: boolean }>;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  /** Task invocations still running: an aborted execution does not stop its Lambda mid-write. */
  private readonly invocations = new Set<Promise<unknown>>();
  private readonly pending = new Map<string, PendingTask>();
  /** Tokens of tasks whose wait timed out (kept while the stack runs): a late callback is answered TaskTimedOut. */
  private readonly timedOut = new Set<string>();
  /** One-shot interceptions of the next callback, by execution name. */
  private readonly interceptions = new Map<string, CallbackInterception>();
  /** Invocations per execution and state (only counted while task faults are on). */
  private readonly attempts = new Map<string, Map<string, number>>();
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.stateMachineArn = options.stateMachineArn;
    this.definition = JSON.parse(readFileSync(options.aslPath, 'utf8')) as Record<string, unknown>;
    this.machine = new StateMachine(resolveTimeoutPathsFromPayload(this.definition) as never, {
      validationOptions: { checkPaths: true, checkArn: true },
    });
    this.stateHandlers = new Map();
    for (const { stateName, handler, waitsForCallback } of aslTaskHandlers(this.definition)) {
      this.stateHandlers.set(stateName, { handler, callback: waitsForCallback });
    }
  }

  /** Resumes the executions that were running when the stack stopped (persisted data folder only). */
  resumeSaved(): number {
    const saved = this.loadSaved();
    for (const exec of saved) this.launch(exec.name, exec.input, exec.startDate);
    return saved.length;
  }

  list(): LocalExecution[] {
    return [...this.executions.values()].sort((a, b) => (a.startDate < b.startDate ? 1 : -1));
  }

  describe(executionArn: string): LocalExecution {
    const exec = this.executions.get(executionArn);
    if (!exec) throw new SfnError('ExecutionDoesNotExist', 'Execution does not exist');
    return exec;
  }

  /** Resolves when the execution has ended (tests and benchmarks wait on this, not on time). */
  async settled(name: string): Promise<LocalExecution> {
    const arn = this.executionArn(name);
    await this.running.get(arn)?.done;
    return this.describe(arn);
  }

  startExecution(req: { stateMachineArn?: string; name?: string; input?: string }) {
    if (req.stateMachineArn !== this.stateMachineArn)
      throw new SfnError('StateMachineDoesNotExist', 'Unknown state machine');
    const name = req.name ?? randomUUID();
    if (!/^[\w-]{1,80}$/.test(name)) throw new SfnError('InvalidName', 'Invalid execution name');
    const input = req.input ?? '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Input is not JSON');
    }
    const existing = this.executions.get(this.executionArn(name));
    if (existing) {
      if (existing.input === input && existing.status === 'RUNNING') {
        return { executionArn: existing.executionArn, startDate: Date.parse(existing.startDate) / 1000 };
      }
      throw new SfnError('ExecutionAlreadyExists', 'Execution already exists');
    }
    const exec = this.launch(name, input, new Date().toISOString());
    return { executionArn: exec.executionArn, startDate: Date.parse(exec.startDate) / 1000 };
  }

  /**
   * The waiting callback task of this execution times out now, as it would once its
   * TimeoutSeconds passed: the state's `States.Timeout` Catch runs, and a callback sent with its
   * token from now on is answered TaskTimedOut. Tests use it instead of waiting (days) for the
   * timeout the ASL sets. Answers whether a task was waiting.
   */
  timeOutTask(name: string): boolean {
    const arn = this.executionArn(name);
    for (const [token, task] of this.pending) if (task.executionArn === arn) return this.timeOut(token);
    return false;
  }

  /**
   * `action` runs when the next SendTaskSuccess or SendTaskFailure for a task of this execution
   * arrives, before it is applied; an SfnError it throws is the answer instead. A fault placed at
   * an exact point: the wait timing out just as the callback comes, or the call failing once.
   */
  interceptNextCallback(name: string, action: CallbackInterception): void {
    this.interceptions.set(name, action);
  }

  sendTaskSuccess(req: { taskToken?: string; output?: string }) {
    const task = this.takePending(req.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(req.output ?? '{}');
    } catch {
      throw new SfnError('InvalidOutput', 'Output is not JSON');
    }
    task.resolve(output);
    return {};
  }

  sendTaskFailure(req: { taskToken?: string; error?: string; cause?: string }) {
    const task = this.takePending(req.taskToken);
    const err = new Error(req.cause ?? '');
    err.name = req.error ?? 'States.TaskFailed';
    task.reject(err);
    return {};
  }

  /** Serves the AWS JSON 1.0 protocol of Step Functions (`X-Amz-Target: AWSStepFunctions.<Op>`). */
  async handleAwsRequest(
    target: string | undefined,
    body: string,
  ): Promise<{ status: number; body: unknown }> {
    const op = (target ?? '').replace(/^AWSStepFunctions\./, '');
    let req: Record<string, string>;
    try {
      req = JSON.parse(body || '{}') as Record<string, string>;
    } catch {
      return { status: 400, body: { __type: 'SerializationException', message: 'Malformed JSON' } };
    }
    try {
      switch (op) {
        case 'StartExecution':
          return { status: 200, body: this.startExecution(req) };
        case 'SendTaskSuccess':
          await this.intercepted(req.taskToken);
          return { status: 200, body: this.sendTaskSuccess(req) };
        case 'SendTaskFailure':
          await this.intercepted(req.taskToken);
          return { status: 200, body: this.sendTaskFailure(req) };
        case 'SendTaskHeartbeat':
          this.peekPending(req.taskToken);
          return { status: 200, body: {} };
        case 'DescribeExecution': {
          const e = this.describe(req.executionArn ?? '');
          return {
            status: 200,
            body: {
              executionArn: e.executionArn,
              stateMachineArn: this.stateMachineArn,
              name: e.name,
              status: e.status,
              startDate: Date.parse(e.startDate) / 1000,
              ...(e.stopDate ? { stopDate: Date.parse(e.stopDate) / 1000 } : {}),
              input: e.input,
              ...(e.output !== undefined ? { output: e.output } : {}),
              ...(e.error ? { error: e.error, cause: e.cause } : {}),
            },
          };
        }
        default:
          return {
            status: 400,
            body: { __type: 'UnknownOperationException', message: `Not emulated: ${op}` },
          };
      }
    } catch (err) {
      if (err instanceof SfnError) return { status: 400, body: { __type: err.type, message: err.message } };
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { abort } of this.running.values()) abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    // Let running task functions finish their writes before the caller closes the table under them.
    await Promise.allSettled([...this.invocations]);
  }

  // ------------------------------------------------------------------ internals

  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  private async intercepted(token: string | undefined): Promise<void> {
    const task = token ? this.pending.get(token) : undefined;
    if (!task) return;
    const name = this.describe(task.executionArn).name;
    const action = this.interceptions.get(name);
    if (!action) return;
    this.interceptions.delete(name);
    await action();
  }

  /** The task's wait is over: its Catch for States.Timeout runs, a late callback is refused. */
  private timeOut(token: string): boolean {
    const task = this.pending.get(token);
    if (!task) return false;
    this.pending.delete(token);
    this.timedOut.add(token);
    task.reject(statesTimeout());
    return true;
  }

  private takePending(token: string | undefined): PendingTask {
    const task = this.peekPending(token);
    this.pending.delete(token as string);
    return task;
  }

  private peekPending(token: string | undefined): PendingTask {
    if (!token || token.length > 2048) throw new SfnError('InvalidToken', 'Invalid token');
    if (this.timedOut.has(token)) throw new SfnError('TaskTimedOut', 'Task Timed Out');
    const task = this.pending.get(token);
    if (!task) throw new SfnError('TaskDoesNotExist', 'Task does not exist or has completed');
    return task;
  }

  private launch(name: string, input: string, startDate: string): LocalExecution {
    const executionArn = this.executionArn(name);
    const exec: LocalExecution = {
      executionArn,
      name,
      input,
      startDate,
      status: 'RUNNING',
      stateTransitions: 0,
      states: [],
    };
    this.executions.set(executionArn, exec);
    // aws-local-stepfunctions puts one static `$$.Task.Token` in the context of a run; each callback
    // task replaces it with a token of its own, so that a token completes exactly one task.
    const staticToken = `static-${randomUUID()}`;
    const overrides: Record<string, (payload: unknown) => Promise<unknown>> = {};
    for (const [stateName, binding] of this.stateHandlers) {
      overrides[stateName] = (parameters) => this.runTask(exec, stateName, binding, parameters, staticToken);
    }
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.options.retryIntervalMs !== undefined) {
      for (const stateName of this.stateHandlers.keys())
        retryIntervalOverrides[stateName] = this.options.retryIntervalMs;
    }
    const run = this.machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: executionArn, Name: name, Input: JSON.parse(input), StartTime: startDate },
        Task: { Token: staticToken },
      },
    });
    const logs = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type === 'StateEntered') {
          exec.stateTransitions += 1;
          exec.states.push((event as { state: { name: string } }).state.name);
        }
      }
    })().catch(() => undefined);
    const done = run.result
      .then((output) => {
        if (this.closed && output === null) {
          exec.status = 'ABORTED';
          return;
        }
        exec.status = 'SUCCEEDED';
        exec.output = JSON.stringify(output);
      })
      .catch((err: Error & { cause?: unknown }) => {
        exec.status = 'FAILED';
        exec.error = err.name === 'Error' ? 'States.Runtime' : err.name;
        exec.cause = err.message;
      })
      .then(() => logs)
      .finally(() => {
        if (exec.status !== 'ABORTED') {
          exec.stopDate = new Date().toISOString();
          this.running.delete(executionArn);
          this.attempts.delete(executionArn);
          for (const [token, task] of this.pending)
            if (task.executionArn === executionArn) this.pending.delete(token);
          this.interceptions.delete(name);
          this.save();
        }
      });
    this.running.set(executionArn, { abort: run.abort, done });
    this.save();
    return exec;
  }

  private async runTask(
    exec: LocalExecution,
    stateName: string,
    binding: { handler: string; callback: boolean },
    parameters: unknown,
    staticToken: string,
  ): Promise<unknown> {
    const { [LOCAL_TIMEOUT_KEY]: timeoutSeconds, ...Payload } = ((
      parameters as { Payload?: Record<string, unknown> }
    ).Payload ?? {}) as Record<string, unknown>;
    // A callback task's token, and the end of its wait: set before the first await, so that it
    // runs out with aws-local-stepfunctions' own timer for the state (set when this returns), and
    // a callback after that is refused as Step Functions refuses it.
    const token = binding.callback ? randomBytes(48).toString('base64url') : undefined;
    const timer =
      token && typeof timeoutSeconds === 'number'
        ? setTimeout(() => this.timeOut(token), timeoutSeconds * 1000).unref()
        : undefined;
    try {
      return await this.invokeTask(exec, stateName, binding, Payload, staticToken, token);
    } finally {
      clearTimeout(timer);
    }
  }

  private async invokeTask(
    exec: LocalExecution,
    stateName: string,
    binding: { handler: string; callback: boolean },
    Payload: Record<string, unknown>,
    staticToken: string,
    token: string | undefined,
  ): Promise<unknown> {
    const handler = await this.load(binding.handler, stateName);
    const requestId = randomUUID();
    const fault = this.taskFault(exec, stateName);
    if (fault === 'Lambda.ServiceException') throw lambdaServiceException();
    if (!binding.callback) {
      const result = await this.invoke(binding.handler, () =>
        invokeLike(
          handler,
          Payload ?? {},
          lambdaContext(binding.handler, requestId, TASK_FUNCTION_TIMEOUT_MS),
        ),
      );
      if (fault) throw lambdaServiceException();
      // The shape of the lambda:invoke service integration's result.
      return { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 };
    }
    if (!token) throw new Error(`No task token minted for ${stateName}`);
    const payload = JSON.parse(
      JSON.stringify(Payload ?? {})
        .split(staticToken)
        .join(token),
    );
    const completion = new Promise<unknown>((resolve, reject) => {
      this.pending.set(token, { executionArn: exec.executionArn, resolve, reject });
    });
    // The handler may complete its own token (SendTaskFailure for a cancelled order) and the
    // invocation still fail afterwards: then nobody awaits `completion`, and its rejection must
    // not end the process as an unhandled one. Awaiting it below still sees the rejection.
    completion.catch(() => undefined);
    try {
      await this.invoke(binding.handler, () =>
        invokeLike(handler, payload, lambdaContext(binding.handler, requestId, TASK_FUNCTION_TIMEOUT_MS)),
      );
      if (fault) throw lambdaServiceException();
    } catch (err) {
      this.pending.delete(token);
      throw err;
    }
    return completion;
  }

  /** Decides whether this invocation fails; a state run again in one execution is its Retry. */
  private taskFault(exec: LocalExecution, stateName: string) {
    const faults = this.options.faults;
    if (!faults?.enabled('task')) return undefined;
    const attempts = this.attempts.get(exec.executionArn) ?? new Map<string, number>();
    this.attempts.set(exec.executionArn, attempts);
    const attempt = (attempts.get(stateName) ?? 0) + 1;
    attempts.set(stateName, attempt);
    if (attempt > 1) faults.observedRetry('task', `attempt ${attempt}`);
    return faults.pick('task', TASK_FAULTS);
  }

  private invoke<T>(functionName: string, call: () => Promise<T>): Promise<T> {
    const invocation = this.options.metrics ? this.options.metrics.invoke(functionName, call) : call();
    this.invocations.add(invocation);
    const forget = () => this.invocations.delete(invocation);
    invocation.then(forget, forget);
    return invocation;
  }

  private load(handler: string, stateName: string): Promise<TaskHandler> {
    const override = this.options.taskOverrides?.[stateName];
    if (override) return Promise.resolve(override);
    return loadHandler<TaskHandler>(handler);
  }

  private savedFile(): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, 'stepfunctions-executions.json') : undefined;
  }

  private loadSaved(): LocalExecution[] {
    const { dataDir } = this.options;
    return (
      (dataDir ? readDataFile<LocalExecution[]>(dataDir, 'stepfunctions-executions.json') : undefined) ?? []
    );
  }

  /** Remembers the running executions (name and input suffice: the ASL is written to resume). */
  private save(): void {
    const file = this.savedFile();
    if (!file || this.closed) return;
    mkdirSync(this.options.dataDir as string, { recursive: true });
    const runningExecs = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    writeFileSync(`${file}.tmp`, JSON.stringify(runningExecs));
    renameSync(`${file}.tmp`, file);
  }
}

/** A Lambda invocation as Step Functions sees it: a thrown error's name becomes the error code. */
async function invokeLike(handler: TaskHandler, event: unknown, context: Context): Promise<unknown> {
  try {
    return await invokeFunction(handler, event, context);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (!e.name || e.name === 'Error') e.name = 'Error';
    throw e;
  }
}

function statesTimeout(): Error {
  const err = new Error('The task did not complete in time');
  err.name = 'States.Timeout';
  return err;
}

function lambdaServiceException(): Error {
  const err = new Error('Lambda service error (injected fault)');
  err.name = 'Lambda.ServiceException';
  return err;
}

const LOCAL_TIMEOUT_KEY = '__localTimeoutSeconds';

/**
 * aws-local-stepfunctions resolves `TimeoutSecondsPath` against the input after `Parameters`,
 * Step Functions against the state input. So that the unchanged ASL file times out the same here,
 * the local copy carries the value through the payload (and runTask drops it again).
 */
function resolveTimeoutPathsFromPayload(definition: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(definition);
  for (const state of aslStates(copy).values()) {
    const path = state.TimeoutSecondsPath;
    const parameters = state.Parameters as { Payload?: Record<string, unknown> } | undefined;
    if (typeof path !== 'string' || !parameters?.Payload) continue;
    parameters.Payload[`${LOCAL_TIMEOUT_KEY}.$`] = path;
    state.TimeoutSecondsPath = `$.Payload.${LOCAL_TIMEOUT_KEY}`;
  }
  return copy;
}
