/** Where a handler named in the route table or the ASL lives (the CDK stack uses the same rule). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function handlerModulePath(handler: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(handler)) throw new Error(`Invalid handler name ${handler}`);
  const path = fileURLToPath(new URL(`../lambdas/handlers/${handler}.ts`, import.meta.url));
  if (!existsSync(path)) throw new Error(`No handler module lambdas/handlers/${handler}.ts`);
  return path;
}
