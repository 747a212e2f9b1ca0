/**
 * The data folder (`--data-dir`) as the emulations read it at start: a file cut short or edited, a
 * table another process holds or a damaged one is an UnusableDataFolder naming the folder, the part
 * and what to do — `npm start` prints it as one line — not a parse error's trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export class UnusableDataFolder extends Error {
  override name = 'UnusableDataFolder';
}

const RESTORE_OR_MOVE =
  'restore it from a copy, or move the folder aside and start with an empty one (the folder keeps the table, keys, SMS outbox and waiting identifications)';

/** The data folder's file `name` holds JSON that is not what it should be (`what`). */
export function notWhatItShouldBe(dataDir: string, name: string, what: string): UnusableDataFolder {
  return new UnusableDataFolder(
    `the data folder ${dataDir} cannot be used: ${name} is not ${what}, edited or from elsewhere: ${RESTORE_OR_MOVE}.`,
  );
}

/** The data folder's JSON file `name`, parsed; undefined when the folder has none. */
export function readDataFile<T>(dataDir: string, name: string): T | undefined {
  const file = join(dataDir, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new UnusableDataFolder(
      `the data folder ${dataDir} cannot be used: ${name} is not JSON (${(err as Error).message}), cut short or edited: ${RESTORE_OR_MOVE}.`,
    );
  }
}

/** What LevelDB failed with: abstract-level puts LevelDB's own error of an open in `cause`. */
interface LevelError extends Error {
  code?: string;
  cause?: { code?: string; message?: string };
}

/**
 * Opens the LevelDB dynalite keeps the data folder's table in (`dynamodb/`), reads its keys and
 * closes it, before dynalite opens it: dynalite swallows a failed open, and a failed read, and
 * throws them out of a request, past any caller. The `level` module is dynalite's own.
 */
export async function checkTableFolder(dataDir: string): Promise<void> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as {
    Level: new (
      path: string,
    ) => { open(): Promise<void>; close(): Promise<void>; keys(): AsyncIterable<unknown> };
  };
  const db = new Level(join(dataDir, 'dynamodb'));
  try {
    await db.open();
    // Every block read once: a table file cut short fails here, not in the middle of a request.
    for await (const _ of db.keys());
  } catch (err) {
    const { cause, message } = err as LevelError;
    if (cause?.code === 'LEVEL_LOCKED')
      throw new UnusableDataFolder(
        `the data folder ${dataDir} is in use by another process (another npm start on it?): stop that one, or start with another --data-dir.`,
      );
    throw new UnusableDataFolder(
      `the data folder ${dataDir} cannot be used: its table (dynamodb/) cannot be read (${cause?.message ?? message}): ${RESTORE_OR_MOVE}.`,
    );
  } finally {
    await db.close();
  }
}
