/**
 * The functions' environment in the embedded stack: what the CDK stack gives each function
 * (lib/function-environment.ts, the one definition) with the emulations' values, so a variable
 * added there for a function reaches it here too. Every function runs in this one process and reads
 * `process.env`, so the process gets the union of their environments; a variable two functions
 * would get with different values cannot be given to both here, and fails the start naming it.
 */
import { readFileSync } from 'node:fs';
import { aslTaskHandlers } from '../lambdas/asl-tasks.js';
import { EVENT_SOURCE_FUNCTIONS } from '../lambdas/event-sources.js';
import { handlerNames, routesOfStage } from '../lambdas/routes.js';
import { type EnvironmentSources, functionEnvironment } from '../lib/function-environment.js';

/** The functions a stage's embedded stack runs: its routes', its state machine's tasks', the event sources'. */
export function localFunctions(stage: string, aslPath: string): string[] {
  const definition = JSON.parse(readFileSync(aslPath, 'utf8')) as object;
  return [
    ...new Set([
      ...handlerNames(routesOfStage(stage)),
      ...aslTaskHandlers(definition).map((t) => t.handler),
      ...EVENT_SOURCE_FUNCTIONS.map((f) => f.handler),
    ]),
  ].sort();
}

/** Each function's environment (by its handler) and the process environment that holds them all. */
export function localFunctionEnvironments(
  handlers: readonly string[],
  sources: EnvironmentSources,
): { byFunction: ReadonlyMap<string, Readonly<Record<string, string>>>; process: Record<string, string> } {
  const byFunction = new Map<string, Record<string, string>>();
  const union: Record<string, string> = {};
  const givenBy = new Map<string, string>();
  for (const handler of handlers) {
    const environment = functionEnvironment(handler, sources);
    byFunction.set(handler, environment);
    for (const [name, value] of Object.entries(environment)) {
      const other = givenBy.get(name);
      if (other !== undefined && union[name] !== value)
        throw new Error(
          `${name} differs between the functions ${other} and ${handler} (lib/function-environment.ts): the embedded stack runs both in one process and cannot give each its own`,
        );
      union[name] = value;
      givenBy.set(name, handler);
    }
  }
  return { byFunction, process: union };
}
