/**
 * The naming rule between an ASL task and the handler it runs, shared by the CDK stack (which
 * substitutes `${<Pascal>FunctionArn}` with the ARN of the function bundled from
 * `lambdas/handlers/<kebab>.ts`) and the local stack (which binds the task to the same module).
 * Pure: no I/O.
 *
 *   `${TaskSendTermsSmsFunctionArn}`  <->  `lambdas/handlers/task-send-terms-sms.ts`
 */

/** A handler name: lower-case kebab segments, each starting with a letter (so the rule round-trips). */
const HANDLER_NAME = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;
/** A substitution key naming a function: PascalCase words followed by `FunctionArn`. */
const FUNCTION_ARN_KEY = /^((?:[A-Z][a-z0-9]*)+)FunctionArn$/;
/** Any `${Name}` substitution in a string. */
const SUBSTITUTION = /\$\{([A-Za-z0-9_]+)\}/g;

/** `task-send-terms-sms` → `TaskSendTermsSmsFunctionArn` (the definitionSubstitutions key, without `${}`). */
export function placeholderOf(handler: string): string {
  if (!HANDLER_NAME.test(handler)) {
    throw new Error(
      `Handler name "${handler}" is not kebab-case (a-z, 0-9, each segment starting with a letter)`,
    );
  }
  const pascal = handler
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  if (/[A-Z]{2}/.test(pascal)) {
    throw new Error(
      `Handler name "${handler}" has consecutive one-letter segments; its placeholder would not read back`,
    );
  }
  return `${pascal}FunctionArn`;
}

/**
 * `${TaskSendTermsSmsFunctionArn}` or `TaskSendTermsSmsFunctionArn` → `task-send-terms-sms`.
 * Throws for anything that is not a function placeholder or that would not round-trip
 * (e.g. acronyms such as `SendSMSFunctionArn`).
 */
export function taskHandlerOf(placeholder: string): string {
  const key =
    placeholder.startsWith('${') && placeholder.endsWith('}') ? placeholder.slice(2, -1) : placeholder;
  const match = FUNCTION_ARN_KEY.exec(key);
  if (!match?.[1]) {
    throw new Error(`"${placeholder}" is not a function placeholder of the form \${<PascalCase>FunctionArn}`);
  }
  if (/[A-Z]{2}/.test(match[1])) {
    throw new Error(`"${placeholder}" has consecutive capitals: write acronyms as words (Sms, not SMS)`);
  }
  const handler = match[1].replace(
    /[A-Z]/g,
    (c, offset: number) => (offset === 0 ? '' : '-') + c.toLowerCase(),
  );
  if (!HANDLER_NAME.test(handler) || placeholderOf(handler) !== key) {
    throw new Error(
      `"${placeholder}" does not map to a kebab-case handler name (write each word as Capitalised)`,
    );
  }
  return handler;
}

/** Whether a substitution key names a function (`...FunctionArn`). */
export function isFunctionPlaceholder(key: string): boolean {
  return FUNCTION_ARN_KEY.test(key);
}

/** Every `${Name}` substitution key used anywhere in an ASL text, in order of first use. */
export function substitutionKeys(aslText: string): string[] {
  return [...new Set([...aslText.matchAll(SUBSTITUTION)].map((m) => m[1] as string))];
}

export interface AslTask {
  stateName: string;
  handler: string;
  /** A `.waitForTaskToken` task: it ends when its token is completed, not when the function returns. */
  waitsForCallback: boolean;
}

/** One state of a definition, as written. */
export type AslState = Record<string, unknown>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/**
 * Every state of a definition by name, nested ones included: Parallel `Branches` and Map
 * `Iterator` / `ItemProcessor`, recursively. The one walk over an ASL definition that the CDK stack
 * and the local Step Functions both use; the states are the definition's own objects, not copies.
 * State names are unique in a whole state machine, so a name used twice is an error.
 */
export function aslStates(definition: object): Map<string, AslState> {
  const out = new Map<string, AslState>();
  const walk = (machine: unknown): void => {
    const states = (machine as { States?: Record<string, Json> } | undefined)?.States;
    if (!states || typeof states !== 'object') return;
    for (const [name, raw] of Object.entries(states)) {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
      if (out.has(name))
        throw new Error(`State name "${name}" is used twice (names are unique per state machine)`);
      const state = raw as AslState;
      out.set(name, state);
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) for (const b of state.Branches) walk(b);
      if (state.Type === 'Map') {
        walk(state.Iterator);
        walk(state.ItemProcessor);
      }
    }
  };
  walk(definition);
  return out;
}

/**
 * The Task states that run one of our functions, with the handler each runs: every Task whose
 * `Resource` or `Parameters` (e.g. `Parameters.FunctionName` with `arn:aws:states:::lambda:invoke`)
 * names a `${<Pascal>FunctionArn}` placeholder. A Task naming two functions is an error.
 */
export function aslTaskHandlers(definition: object): AslTask[] {
  const tasks: AslTask[] = [];
  for (const [stateName, state] of aslStates(definition)) {
    if (state.Type !== 'Task') continue;
    const keys = new Set(
      stringsIn([state.Resource, state.Parameters, state.Arguments])
        .flatMap((s) => [...s.matchAll(SUBSTITUTION)].map((m) => m[1] as string))
        .filter(isFunctionPlaceholder),
    );
    if (keys.size > 1) {
      throw new Error(`Task state "${stateName}" names more than one function: ${[...keys].join(', ')}`);
    }
    const waitsForCallback = String(state.Resource ?? '').endsWith('.waitForTaskToken');
    for (const key of keys) tasks.push({ stateName, handler: taskHandlerOf(key), waitsForCallback });
  }
  return tasks;
}

/** The distinct handlers the definition's tasks run, sorted. */
export function aslHandlerNames(definition: object): string[] {
  return [...new Set(aslTaskHandlers(definition).map((t) => t.handler))].sort();
}
