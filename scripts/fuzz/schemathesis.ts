/**
 * The OpenAPI fuzzer: schemathesis (PyPI, pinned in fuzz/requirements.txt, installed into
 * .fuzz/venv) run against a stack's `/openapi.json` with every check, the stateful phase included.
 * It signs in itself through the OAuth client-credentials flow as each SP client given (the first
 * sends every request; the others are peers whose objects it must not see). Its JSON and JUnit
 * reports are read back so a test can name each failure. See docs/fuzzing.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPythonVenv, PROJECT_ROOT, type PythonVenv } from '../python-venv.js';

export const FUZZ_DIR = join(PROJECT_ROOT, 'fuzz');
export const FUZZ_CONFIG = join(FUZZ_DIR, 'schemathesis.toml');

export const SCHEMATHESIS: PythonVenv = {
  tool: 'schemathesis',
  venv: join(PROJECT_ROOT, '.fuzz', 'venv'),
  requirements: join(FUZZ_DIR, 'requirements.txt'),
  binary: 'st',
};

/** Installs the pinned schemathesis into .fuzz/venv unless it is there; answers the `st` binary. */
export function installSchemathesis(log: (line: string) => void = () => {}): string {
  return installPythonVenv(SCHEMATHESIS, log);
}

export interface FuzzClient {
  clientId: string;
  clientSecret: string;
}

export interface FuzzOptions {
  /** The stack's base URL; its document is `<baseUrl>/openapi.json`. */
  baseUrl: string;
  /**
   * Two SP clients: the first (`sp` in fuzz/schemathesis.toml) sends the requests; the second
   * (`other-sp`) is its peer, whose identifications the first must not see (object-level check).
   */
  clients: [FuzzClient, FuzzClient];
  /** The OAuth token endpoint; `<baseUrl>/oauth2/token` when absent. */
  tokenUrl?: string;
  /** Where the reports, schemathesis's console output and the generated sign-in file go. */
  reportDir: string;
  /** More `st run` options (they override the configuration file's). */
  extraArgs?: string[];
  /** Each chunk of schemathesis's console output, as it comes. */
  onOutput?: (chunk: string) => void;
}

/** One kind of failure in schemathesis's JSON report, with the operations it was seen on. */
export interface ReportedFailure {
  type: string;
  code: string;
  title: string;
  count: number;
  operations: string[];
}

/** The parts of schemathesis's JSON run report (`--report json`) this project reads. */
export interface SchemathesisReport {
  schemathesis_version: string;
  seed: number;
  running_time: number;
  stop_reason: string;
  complete: boolean;
  exit_code: number;
  operations: { total: number; selected: number; tested: number; errored: number; skipped: number };
  phases: Record<string, { status: string; skip_reason: string | null }>;
  test_cases: {
    generated: number;
    with_failures: number;
    unique_failures: number;
    without_checks: number;
    errored: number;
  };
  failures: ReportedFailure[];
  errors: { title: string; count: number }[];
  warnings: Record<string, unknown>;
}

export interface FuzzRun {
  exitCode: number | null;
  report: SchemathesisReport;
  /** The JUnit report's failure texts (request, response, a curl line to reproduce) by operation. */
  details: Map<string, string[]>;
  output: string;
}

/** The names fuzz/schemathesis.toml gives the two clients. */
const IDENTITIES = ['sp', 'other-sp'] as const;

/** The Web Fuzzing Commons sign-in file: each client's client-credentials request. */
function authFile(options: FuzzOptions): string {
  const endpoint = options.tokenUrl
    ? { externalEndpointURL: options.tokenUrl }
    : { endpoint: '/oauth2/token' };
  return JSON.stringify({
    auth: options.clients.map((c, i) => ({
      name: IDENTITIES[i],
      loginEndpointAuth: {
        ...endpoint,
        verb: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        payloadRaw: 'grant_type=client_credentials',
        headers: [
          {
            name: 'Authorization',
            value: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
          },
        ],
        token: {
          extractFrom: 'body',
          extractSelector: '/access_token',
          sendIn: 'header',
          sendName: 'Authorization',
          sendTemplate: 'Bearer {token}',
        },
      },
    })),
  });
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescapeXml = (s: string): string =>
  s.replace(
    /&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g,
    (_, name: string, dec?: string, hex?: string) =>
      dec
        ? String.fromCodePoint(Number(dec))
        : hex
          ? String.fromCodePoint(Number.parseInt(hex, 16))
          : (XML_ENTITIES[name] ?? ''),
  );

/** `<testcase name="POST /api/verify"><failure …>text</failure>…` → texts by operation. */
export function junitFailures(xml: string): Map<string, string[]> {
  const byOperation = new Map<string, string[]>();
  for (const testcase of xml.matchAll(/<testcase name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    const name = unescapeXml(testcase[1] ?? '');
    const texts = [
      ...(testcase[2] ?? '').matchAll(/<(?:failure|error)[^>]*>([\s\S]*?)<\/(?:failure|error)>/g),
    ].map((m) => unescapeXml(m[1] ?? ''));
    if (texts.length) byOperation.set(name, texts);
  }
  return byOperation;
}

/** Runs `st run` with fuzz/schemathesis.toml against the stack at `baseUrl`. */
export async function runSchemathesis(options: FuzzOptions): Promise<FuzzRun> {
  const st = installSchemathesis();
  mkdirSync(options.reportDir, { recursive: true });
  const auth = join(options.reportDir, 'auth.wfc.json');
  writeFileSync(auth, authFile(options), { mode: 0o600 });
  const json = join(options.reportDir, 'schemathesis.json');
  const junit = join(options.reportDir, 'schemathesis.junit.xml');
  const args = [
    '--config-file',
    FUZZ_CONFIG,
    'run',
    `${options.baseUrl}/openapi.json`,
    '--report',
    'json,junit',
    '--report-dir',
    options.reportDir,
    '--report-json-path',
    json,
    '--report-junit-path',
    junit,
    ...(options.extraArgs ?? []),
  ];
  let output = '';
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(st, args, {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // fuzz/hooks.py (hooks = "hooks" in the configuration); the sign-in file for [auth.wfc].
        PYTHONPATH: FUZZ_DIR,
        SRS_FUZZ_AUTH_FILE: auth,
        NO_COLOR: '1',
      },
    });
    const take = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('close', resolve);
  });
  writeFileSync(join(options.reportDir, 'schemathesis.txt'), output);
  if (!readdirSync(options.reportDir).includes('schemathesis.json')) {
    throw new Error(`schemathesis wrote no report (exit ${exitCode}):\n${output.slice(-4000)}`);
  }
  return {
    exitCode,
    report: JSON.parse(readFileSync(json, 'utf8')) as SchemathesisReport,
    details: junitFailures(readFileSync(junit, 'utf8')),
    output,
  };
}
