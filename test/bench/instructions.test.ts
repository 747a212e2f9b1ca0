/**
 * bench/instructions.ts: the import's instructions read from callgrind's annotation of the main
 * thread, with V8's hash seed and the collector left out; the other threads' read from their files;
 * and the ratio to the floor. Its runs under valgrind are the instructions suite's (test/instructions, `npm run test:instructions`): valgrind is no npm package.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { instructionsOf, ratioToFloor, threadTotalOf } from '../../bench/instructions.js';

/** Lines as `callgrind_annotate --threshold=100` prints them (from a count of the DynamoDB floor's main thread). */
const NODE = '[/work/node_modules/node/bin/node]';
const ANNOTATED = `--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
240,217,264 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir                  file:function
--------------------------------------------------------------------------------
14,671,295 ( 6.11%)  ???:v8::internal::Scanner::Next() ${NODE}
11,476,752 ( 4.78%)  ???:detail::sprp(unsigned long long, unsigned long long) ${NODE}
 5,547,876 ( 2.31%)  ???:int v8::internal::Deserializer<v8::internal::Isolate>::WriteHeapPointer<v8::internal::SlotAccessorForHeapObject>(v8::internal::SlotAccessorForHeapObject, v8::internal::DirectHandle<v8::internal::HeapObject>, v8::internal::Deserializer<v8::internal::Isolate>::ReferenceDescriptor, v8::internal::WriteBarrierMode) [clone .isra.0] ${NODE}
 1,357,443 ( 0.57%)  ???:heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(v8::internal::FullHeapObjectSlot, v8::internal::Tagged<v8::internal::HeapObject>) ${NODE}
   442,368 ( 0.18%)  ???:v8::internal::Scavenger::Process(v8::JobDelegate*) ${NODE}
   300,000 ( 0.12%)  ???:v8::internal::WriteBarrier::MarkingSlow(v8::internal::Tagged<v8::internal::HeapObject>) ${NODE}
`;

describe('instructionsOf', () => {
  it('reads the total and leaves out the hash seed’s prime search and the collector, not the deserializer', () => {
    const count = instructionsOf(ANNOTATED);

    expect(count.total).toBe(240_217_264);
    expect(count.hashSeed).toBe(11_476_752);
    expect(count.collector).toBe(1_357_443 + 442_368 + 300_000);
    expect(count.counted).toBe(240_217_264 - 11_476_752 - 2_099_811);
  });

  it('refuses an annotation without a total', () => {
    expect(() => instructionsOf('nothing here')).toThrow('PROGRAM TOTALS');
  });
});

describe('threadTotalOf', () => {
  it('reads the instructions of one thread’s callgrind file', () => {
    // The head of the file of the thread that loads Node's root certificates (thread 8).
    const file = [
      '# callgrind format',
      'version: 1',
      'creator: callgrind-3.19.0',
      'pid: 19331',
      'cmd:  node probe.mjs',
      'part: 1',
      'thread: 8',
      'events: Ir',
      'summary: 43217332',
      '',
      'fn=(1) EVP_DecodeUpdate',
    ].join('\n');

    expect(threadTotalOf(file)).toBe(43_217_332);
    expect(threadTotalOf('events: Ir\ntotals: 7663\n')).toBe(7663);
  });

  it('refuses a file without a summary', () => {
    expect(() => threadTotalOf('events: Ir\n')).toThrow('summary');
  });
});

describe('ratioToFloor', () => {
  it('is the import’s excess over Node’s start against the floor’s', () => {
    expect(ratioToFloor(300e6, 280e6, 80e6)).toBeCloseTo(1.1, 12);
    expect(ratioToFloor(280e6, 280e6, 80e6)).toBe(1);
  });

  it('is undefined without a floor, or with one no heavier than Node’s start', () => {
    expect(ratioToFloor(300e6, undefined, 80e6)).toBeUndefined();
    expect(ratioToFloor(300e6, 80e6, 80e6)).toBeUndefined();
  });
});

describe('npm run bench:instructions', () => {
  it('refuses a --calls that is no whole number above 0, saying so', async () => {
    const refused = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/instructions.ts', '--calls', '0'],
      {
        timeout: 60_000,
      },
    );
    await expect(refused).rejects.toMatchObject({
      stderr: expect.stringContaining('--calls must be a whole number above 0'),
    });
  });
});
