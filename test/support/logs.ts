/** What the functions write while `run` runs: Powertools' JSON lines and EMF lines go to stdout/stderr. */
import { vi } from 'vitest';

export async function captureLogs(run: () => Promise<unknown>): Promise<string> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return written.join('');
}

/** The captured output's lines, without the empty ones. */
export const logLines = (written: string): string[] => written.split('\n').filter((l) => l.trim() !== '');

/** One JSON line the functions wrote (a Powertools log line or an EMF metrics line), parsed. */
export type LogRecord = Record<string, unknown>;

/** Which of the captured lines `logRecords` answers. */
export interface LogSelection {
  /** Only the lines of this level (`WARN`, `ERROR`, …). */
  level?: string;
  /** Only the lines with this message. */
  message?: string;
  /**
   * Pass over the lines that are not JSON objects (plain text written beside the JSON lines); by
   * default every captured line must be one, and a line that is not fails the test.
   */
  jsonOnly?: boolean;
}

/** The captured output's JSON lines, parsed, in the order written: those `selection` names. */
export function logRecords(written: string, selection: LogSelection = {}): LogRecord[] {
  const { level, message, jsonOnly = false } = selection;
  return logLines(written)
    .filter((line) => !jsonOnly || line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogRecord)
    .filter(
      (record) =>
        (level === undefined || record.level === level) &&
        (message === undefined || record.message === message),
    );
}
