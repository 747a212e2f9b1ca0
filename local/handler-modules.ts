/** Where a handler named in the route table or the ASL lives (the CDK stack uses the same rule). */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function handlerModulePath(handler: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(handler)) throw new Error(`Invalid handler name ${handler}`);
  const path = fileURLToPath(new URL(`../lambdas/handlers/${handler}.ts`, import.meta.url));
  if (!existsSync(path)) throw new Error(`No handler module lambdas/handlers/${handler}.ts`);
  return path;
}

const loaded = new Map<string, Promise<unknown>>();

/**
 * The `handler` export of a handler module, imported once per process like a warm Lambda
 * container's module. A missing module or export rejects (it never throws synchronously).
 */
export function loadHandler<H>(handler: string): Promise<H> {
  let mod = loaded.get(handler);
  if (!mod) {
    mod = Promise.resolve()
      .then(() => import(pathToFileURL(handlerModulePath(handler)).href))
      .then((m: { handler?: unknown }) => {
        if (typeof m.handler !== 'function')
          throw new Error(`lambdas/handlers/${handler}.ts exports no handler`);
        return m.handler;
      });
    loaded.set(handler, mod);
  }
  return mod as Promise<H>;
}
