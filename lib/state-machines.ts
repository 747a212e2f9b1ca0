/**
 * Reads the ASL files (`statemachines/*.asl.json`) the way the stack deploys them: the text is
 * kept verbatim (it becomes `DefinitionString`), and its `${...FunctionArn}` substitutions name the
 * task handlers (rule in `lambdas/asl-tasks.ts`). Any other substitution is an error, because an
 * unsubstituted placeholder would only fail at run time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  type AslTask,
  aslTaskHandlers,
  isFunctionPlaceholder,
  placeholderOf,
  substitutionKeys,
} from '../lambdas/asl-tasks.js';

export interface AslFile {
  /** `identification` for `identification.asl.json`. */
  name: string;
  path: string;
  /** The file's text, verbatim. */
  text: string;
  tasks: AslTask[];
  /** Distinct task handlers, sorted. */
  handlers: string[];
}

export function loadStateMachines(dir: string): AslFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.asl.json'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const name = basename(file, '.asl.json');
      if (!/^[a-z][a-z0-9-]*$/.test(name)) {
        throw new Error(`${path}: name the file <kebab-case>.asl.json`);
      }
      const text = readFileSync(path, 'utf8');
      let definition: object;
      try {
        definition = JSON.parse(text) as object;
      } catch (err) {
        throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
      }
      if ((definition as { QueryLanguage?: string }).QueryLanguage === 'JSONata') {
        throw new Error(`${path}: use JSONPath (JSONata does not run on the local stack)`);
      }
      const tasks = aslTaskHandlers(definition);
      const handlers = [...new Set(tasks.map((t) => t.handler))].sort();
      const inTasks = new Set(handlers.map(placeholderOf));
      for (const key of substitutionKeys(text)) {
        if (!isFunctionPlaceholder(key)) {
          throw new Error(
            `${path}: unknown substitution \${${key}} (only \${<Handler>FunctionArn} is supplied)`,
          );
        }
        if (!inTasks.has(key)) {
          throw new Error(`${path}: \${${key}} is used outside a Task state's Resource/Parameters`);
        }
      }
      return { name, path, text, tasks, handlers };
    });
}
