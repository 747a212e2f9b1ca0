/**
 * The frame of the operator's CLI: the command shape, the options every command shares (where the
 * table is), and errors that end the program with one clear line instead of a stack trace.
 * A new command is a module in scripts/admin/commands/ listed in scripts/admin.ts.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { Connection } from './connection.js';

/** Bad usage or an unusable environment: one line on stderr, exit code 2. */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
  constructor(
    message: string,
    /** Print the command's usage after the message. */
    readonly showUsage = false,
  ) {
    super(message);
  }
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** Connects to the table chosen by the global options and checks that it is reachable. */
  connect(): Promise<Connection>;
  /** Writes one line to stdout. */
  print(line: string): void;
}

export interface AdminCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the command name, e.g. `[--ref <refId>] [--since <ISO 8601>]`. */
  synopsis: string;
  /** Further lines of help: each option, the output format. */
  help: string[];
  options: ParseArgsOptionsConfig;
  positionals?: { min: number; max: number };
  run(context: CommandContext): Promise<void>;
}

/** Where the table is: the same options for every command. */
export const GLOBAL_OPTIONS = {
  local: { type: 'boolean' },
  port: { type: 'string' },
  stage: { type: 'string' },
  region: { type: 'string' },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export const GLOBAL_HELP = [
  '--local               the stack `npm start` runs on this machine (found through the file it writes)',
  '  --port <port>       which one, when several run (their HTTP port)',
  '--stage <stage>       a deployed stage (dev, test, prod): the table from the CloudFormation',
  '                      stack srs-<stage>-stateful, with the standard AWS credential chain',
  '  --region <region>   its region (default: AWS_REGION / the profile’s region)',
  '--table <name>        a table by name (default: TABLE_NAME), with the standard AWS credential',
  '                      chain; AWS_ENDPOINT_URL_DYNAMODB points it at another endpoint',
  '-h, --help            this help; after a command, the command’s help',
];

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The value of a string option, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
