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
