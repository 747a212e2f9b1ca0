/** Where a handler named in the route table or the ASL lives (the CDK stack uses the same rule). */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function handlerModulePath(handler: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(handler)) throw new Error(`Invalid handler name ${handler}`);
  const path = fileURLToPath(new URL(`../lambdas/handlers/${handler}.ts`, import.meta.url));
  if (!existsSync(path)) throw new Error(`No handler module lambdas/handlers/${handler}.ts`);
  return path;
}

/** A handler module's import and, once it has loaded, its handler. */
interface LoadedHandler {
  module: Promise<unknown>;
  handler?: unknown;
}

/** The handler modules imported so far, by handler name: one per process, like a warm Lambda container's. */
const loaded = new Map<string, LoadedHandler>();

/**
 * The `handler` export of a handler module, imported once per process like a warm Lambda
 * container's module. A missing module or export rejects (it never throws synchronously).
 */
export function loadHandler<H>(handler: string): Promise<H> {
  let entry = loaded.get(handler);
  if (!entry) {
    entry = importHandler(handler);
    loaded.set(handler, entry);
  }
  return entry.module as Promise<H>;
}

function importHandler(handler: string): LoadedHandler {
  const entry: Partial<LoadedHandler> = {};
  entry.module = Promise.resolve()
    .then(() => import(pathToFileURL(handlerModulePath(handler)).href))
    .then((m: { handler?: unknown }) => {
      if (typeof m.handler !== 'function')
        throw new Error(`lambdas/handlers/${handler}.ts exports no handler`);
      entry.handler = m.handler;
      return m.handler;
    });
  return entry as LoadedHandler;
}

/**
 * The handler if its module has loaded already: a warm container's handler is at hand, with no wait
 * for the module's promise (a turn of the event loop) on every call.
 */
export function loadedHandler<H>(handler: string): H | undefined {
  return loaded.get(handler)?.handler as H | undefined;
}
